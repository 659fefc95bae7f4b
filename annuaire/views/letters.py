"""The principal's account pages: activation board, letters, controls, charte, new codes."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from annuaire.activation import selectors, services
from annuaire.activation.forms import AccountSettingsForm, LetterForm, RelanceForm
from annuaire.models import LetterBatch
from annuaire.progress import progress_get
from ent import rights
from ent.errors import NotFound


def _crumbs(etab, *more):
    return [("Comptes et activation", reverse("annuaire:accounts")),
            (etab.name, reverse("annuaire:accounts_etab", args=[etab.pk])), *more]


@login_required
def accounts(request):
    etabs = list(selectors.letter_etabs(viewer=request.user)[:2])
    if not etabs:
        raise NotFound
    if len(etabs) == 1:
        return redirect("annuaire:accounts_etab", etab_id=etabs[0].pk)
    return render(request, "annuaire/letters/etabs.html", {
        "etabs": selectors.letter_etabs(viewer=request.user),
        "crumbs": [("Comptes et activation", None)],
    })


@login_required
def accounts_etab(request, etab_id):
    """The activation board: per profile and per division, with a « relance » per line."""
    etab = selectors.letter_etab_get(viewer=request.user, etab_id=etab_id)
    profiles, divisions = selectors.activation_board(etab=etab)
    return render(request, "annuaire/letters/board.html", {
        "etab": etab, "profiles": profiles, "divisions": divisions,
        "can_manage_settings": rights.can_manage_account_settings(request.user, etab),
        "batches": selectors.letter_batches_list(etab=etab)[:10],
        "crumbs": _crumbs(etab)[:1] + [(etab.name, None)],
    })


def _pdf_response(pdf, name):
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
def letters(request, etab_id):
    etab = selectors.letter_etab_get(viewer=request.user, etab_id=etab_id)
    divisions = selectors.divisions_of(etab=etab)
    initial = {"audience": request.GET.get("audience", selectors.Audience.ELEVES),
               "division": request.GET.get("division", ""), "per_page": 1,
               "only_not_activated": True}
    form = LetterForm(request.POST or None, divisions=divisions, initial=initial)
    flagged = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        persons = selectors.audience_persons(
            etab=etab, audience=data["audience"], division=data["division_obj"],
            only_not_activated=data["only_not_activated"])
        flagged = selectors.audience_flagged(etab=etab, persons=persons)
        if not selectors.audience_exists(persons=persons):
            messages.warning(request, "Aucun compte ne correspond : aucune fiche à imprimer.")
        elif flagged and not data["confirm"]:
            kept = [(name, value) for name, value in request.POST.items()
                    if name in form.fields and name != "confirm"]
            return render(request, "annuaire/letters/confirm.html", {
                "etab": etab, "flagged": flagged, "hidden_values": [*kept, ("confirm", "1")],
                "crumbs": _crumbs(etab, ("Fiches de connexion", None)),
            })
        else:
            batch = services.letter_batch_create(
                etab=etab, acting_user=request.user, audience=data["audience"],
                division=data["division_obj"], only_not_activated=data["only_not_activated"],
                per_page=data["per_page"], channel=data["channel"])
            return _batch_run(request, etab, batch)
    return render(request, "annuaire/letters/form.html", {
        "etab": etab, "form": form,
        "crumbs": _crumbs(etab, ("Fiches de connexion", None)),
    })


def _batch_run(request, etab, batch):
    """A division's letters come back in the response; a whole collège goes to a job."""
    small = batch.total <= settings.ENT_LETTERS_SYNC_MAX
    if small and batch.channel == LetterBatch.Channel.PDF:
        pdf = services.letter_batch_render(batch_id=batch.pk, to_file=False)
        return _pdf_response(pdf, f"fiches-{etab.uai}-{batch.pk}.pdf")
    services.letter_batch_enqueue(batch=batch)
    return redirect("annuaire:letter_batch", etab_id=etab.pk, pk=batch.pk)


@never_cache
@login_required
def relance(request, etab_id):
    """A « relance » from the board: the letters of those not yet activated, one per page.

    Each one regenerates codes and voids the letters already handed out, for up to a whole
    profile: the board's button opens a confirmation saying how many codes change, and only
    its POST prints.
    """
    etab = selectors.letter_etab_get(viewer=request.user, etab_id=etab_id)
    form = RelanceForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        raise NotFound
    audience = form.cleaned_data["audience"]
    division = None
    if form.cleaned_data["division"]:
        division = selectors.division_get(etab=etab, division_id=form.cleaned_data["division"])
    board = reverse("annuaire:accounts_etab", args=[etab.pk])
    if request.method == "POST" and form.cleaned_data["confirm"]:
        batch = services.letter_batch_create(etab=etab, acting_user=request.user, audience=audience,
                                             division=division, only_not_activated=True)
        if batch.total:
            return _batch_run(request, etab, batch)
    else:
        preview = selectors.relance_preview(etab=etab, audience=audience, division=division)
        if preview["total"]:
            scope = selectors.Audience.LABELS[audience]
            return render(request, "annuaire/letters/relance_confirm.html", {
                "etab": etab, "audience": audience, "division": division, **preview,
                "scope": f"{scope} de {division.code}" if division else scope,
                "board_url": board,
                "crumbs": _crumbs(etab, ("Relance", None)),
            })
    messages.info(request, "Tous ces comptes sont déjà activés.")
    return redirect(board)


def _batch_get(request, etab_id, pk):
    batch = selectors.letter_batch_get(viewer=request.user, etab_id=etab_id, pk=pk)
    return batch.etablissement, batch


@login_required
def letter_history(request, etab_id):
    """Who printed which letters, and when: every printing, newest first."""
    etab = selectors.letter_etab_get(viewer=request.user, etab_id=etab_id)
    batches = selectors.letter_batches_list(etab=etab)
    return render(request, "annuaire/letters/history.html", {
        "etab": etab, "page": Paginator(batches, 50).get_page(request.GET.get("page")),
        "crumbs": _crumbs(etab, ("Historique des impressions", None)),
    })


@login_required
def letter_batch(request, etab_id, pk):
    etab, batch = _batch_get(request, etab_id, pk)
    persons = Paginator(selectors.letter_batch_persons(batch=batch),
                        100).get_page(request.GET.get("page"))
    return render(request, "annuaire/letters/batch.html", {
        "etab": etab, "batch": batch, "page": persons,
        "progress": progress_get(kind=services.PROGRESS_KIND, pk=batch.pk),
        "crumbs": _crumbs(etab, (f"Édition n°{batch.pk}", None)),
    })


@never_cache
@login_required
def letter_batch_progress(request, etab_id, pk):
    etab, batch = _batch_get(request, etab_id, pk)
    return render(request, "annuaire/letters/_batch_progress.html", {
        "etab": etab, "batch": batch,
        "progress": progress_get(kind=services.PROGRESS_KIND, pk=batch.pk),
    })


@require_POST
@never_cache
@login_required
def letter_batch_download(request, etab_id, pk):
    """A POST: handing the file over deletes it (the codes in clear live only on paper), and a
    GET never writes."""
    etab, batch = _batch_get(request, etab_id, pk)
    path = services.letter_batch_path(batch)
    if batch.status != LetterBatch.Status.PRET or not path.exists():
        messages.error(request, "Ce fichier n'est plus disponible : il a déjà été téléchargé "
                                "ou a expiré. Relancez l'impression pour obtenir de nouveaux "
                                "codes.")
        return redirect("annuaire:letter_batch", etab_id=etab.pk, pk=batch.pk)
    handle = path.open("rb")
    services.letter_batch_downloaded(batch=batch)  # the open handle keeps the bytes readable
    response = FileResponse(handle, as_attachment=True,
                            filename=f"fiches-{etab.uai}-{batch.pk}.pdf",
                            content_type="application/pdf")
    response["Cache-Control"] = "no-store"
    return response


@login_required
def controls(request, etab_id):
    etab = selectors.letter_etab_get(viewer=request.user, etab_id=etab_id)
    return render(request, "annuaire/letters/controls.html", {
        "etab": etab, "controls": selectors.distribution_controls(etab=etab),
        "crumbs": _crumbs(etab, ("Contrôles avant distribution", None)),
    })


@login_required
def account_settings(request, etab_id):
    etab = selectors.letter_etab_get(viewer=request.user, etab_id=etab_id)
    if not rights.can_manage_account_settings(request.user, etab):
        raise NotFound
    current = services.account_settings_get(etab=etab)
    form = AccountSettingsForm(request.POST or None, initial={
        "charte": current.charte,
        "vie_scolaire_reissues_codes": current.vie_scolaire_reissues_codes})
    if request.method == "POST" and form.is_valid():
        services.account_settings_update(etab=etab, acting_user=request.user,
                                         **form.cleaned_data)
        messages.success(request, "Paramètres enregistrés.")
        return redirect("annuaire:accounts_etab", etab_id=etab.pk)
    return render(request, "annuaire/letters/settings.html", {
        "etab": etab, "form": form,
        "crumbs": _crumbs(etab, ("Charte et paramètres", None)),
    })


@require_POST
@login_required
def person_code(request, pk):
    """A new code for one person, printed at once: the old one stops working."""
    from annuaire import selectors as directory

    card = directory.person_card(viewer=request.user, person_id=pk)
    person = card.person
    etab = next(iter(selectors.code_reissue_etabs_for(viewer=request.user, person=person)), None)
    if etab is None:
        raise NotFound
    if person.deactivated_at or person.suspended_at:
        messages.error(request, "Ce compte est désactivé ou suspendu : aucun code ne peut être "
                                "remis.")
        return redirect("annuaire:person", pk=pk)
    pdf = services.person_code_reissue(etab=etab, person=person, acting_user=request.user)
    if pdf is None:
        raise NotFound
    return _pdf_response(pdf, f"fiche-{person.login}.pdf")

