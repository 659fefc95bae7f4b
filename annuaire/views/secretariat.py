"""The principal's page on the secretariat: who it is, whom to add, what it may do."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from ent.errors import NotFound

from ..secretariat import selectors, services
from ..secretariat.forms import SecretariatDesignateForm, SecretariatRightsForm


@login_required
def secretariat(request, etab_id):
    etab = selectors.secretariat_etab_get(viewer=request.user, etab_id=etab_id)
    overview = selectors.secretariat_overview(etab=etab)
    rights_form = SecretariatRightsForm(initial={
        "imports_siecle": overview.settings.imports_siecle,
        "prints_letters": overview.settings.prints_letters})
    designate_form = SecretariatDesignateForm(candidates=overview.candidates)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "rights":
            rights_form = SecretariatRightsForm(request.POST)
            if rights_form.is_valid():
                services.secretariat_rights_update(etab=etab, acting_user=request.user,
                                                   **rights_form.cleaned_data)
                messages.success(request, "Droits du secrétariat enregistrés.")
                return redirect("annuaire:secretariat", etab_id=etab.pk)
        elif action == "designate":
            designate_form = SecretariatDesignateForm(request.POST,
                                                      candidates=overview.candidates)
            if designate_form.is_valid():
                person = selectors.secretariat_candidate_get(
                    etab=etab, person_id=designate_form.cleaned_data["person"])
                services.secretariat_designate(etab=etab, person=person,
                                               acting_user=request.user)
                messages.success(request, f"{person.display_name} fait désormais partie du "
                                          "secrétariat.")
                return redirect("annuaire:secretariat", etab_id=etab.pk)
        elif action == "withdraw":
            person = services.secretariat_withdraw(etab=etab,
                                                   member_id=request.POST.get("member", ""),
                                                   acting_user=request.user)
            if person is None:
                raise NotFound
            messages.success(request, f"{person.display_name} ne fait plus partie du "
                                      "secrétariat.")
            return redirect("annuaire:secretariat", etab_id=etab.pk)
        else:
            raise NotFound
    return render(request, "annuaire/secretariat.html", {
        "etab": etab, "overview": overview, "rights_form": rights_form,
        "designate_form": designate_form,
        "crumbs": [("Comptes et activation", reverse("annuaire:accounts")),
                   (etab.name, reverse("annuaire:accounts_etab", args=[etab.pk])),
                   ("Secrétariat", None)],
    })
