"""Administration > Services: which profiles have each service, the specific rights, and the
principal's delegations. Thin views: rights in ent.rights.catalogue, reads in selectors,
writes in services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ent.errors import NotFound
from ent.rights import catalogue as catalogue_rights

from . import registry, selectors, services
from .forms import DelegationForm, PublicationForm

ADMINISTRATION = "Administration"


def _crumbs(*tail):
    return [(ADMINISTRATION, reverse("catalogue:index")), *tail]


@login_required
def index(request):
    if not catalogue_rights.can_reach_administration(request.user):
        raise NotFound
    etabs = list(catalogue_rights.services_admin_etabs(request.user).order_by("name"))
    principal_ids = set(catalogue_rights.principal_etabs(request.user).values_list(
        "pk", flat=True))
    return render(request, "catalogue/index.html", {
        "etabs": [(etab, etab.pk in principal_ids) for etab in etabs],
        "academie": catalogue_rights.can_set_academie_defaults(request.user),
        "crumbs": [(ADMINISTRATION, None)],
    })


def _posted(request, rows, toggle_rows):
    grants = {(row.spec.key, cell.profile): cell.name in request.POST
              for row in rows for cell in row.cells if cell.kind == "choice"}
    toggles = {t.toggle.key: t.name in request.POST for t in toggle_rows}
    return grants, toggles


def _services_page(request, *, etab, back):
    rows, toggle_rows = selectors.services_table(etab=etab)
    if request.method == "POST":
        grants, toggles = _posted(request, rows, toggle_rows)
        services.services_update(etab=etab, grants=grants, toggles=toggles,
                                 acting_user=request.user)
        messages.success(request, "Les services ont été enregistrés.")
        return redirect(back)
    return render(request, "catalogue/services.html", {
        "etab": etab, "rows": rows, "toggle_rows": toggle_rows,
        "profiles": [registry.PROFILE_LABELS[p] for p in registry.PROFILES],
        "crumbs": _crumbs(("Services", None)),
    })


@login_required
def etab_services(request, etab_id):
    etab = selectors.administered_etab_get(viewer=request.user, etab_id=etab_id)
    return _services_page(request, etab=etab,
                          back=reverse("catalogue:etab_services", args=[etab.pk]))


@login_required
def academie_services(request):
    if not catalogue_rights.can_set_academie_defaults(request.user):
        raise NotFound
    return _services_page(request, etab=None, back=reverse("catalogue:academie_services"))


def _responsibilities_page(request, etab, *, delegation_form=None, publication_form=None):
    current = selectors.publication_responsible(etab=etab)
    return render(request, "catalogue/responsibilities.html", {
        "etab": etab, "delegations": selectors.delegations_list(etab=etab),
        "delegation_form": delegation_form or DelegationForm(
            candidates_q=catalogue_rights.delegation_candidates_q(etab)),
        "publication_form": publication_form or PublicationForm(
            candidates=catalogue_rights.publication_candidates(etab),
            initial={"person": current.person_id if current else None}),
        "publication": current,
        "crumbs": _crumbs(("Délégations et publication", None)),
    })


@login_required
def responsibilities(request, etab_id):
    etab = selectors.principal_etab_get(viewer=request.user, etab_id=etab_id)
    if request.method != "POST":
        return _responsibilities_page(request, etab)
    form = DelegationForm(request.POST,
                          candidates_q=catalogue_rights.delegation_candidates_q(etab))
    if form.is_valid():
        data = form.cleaned_data
        try:
            delegation = services.delegation_grant(
                etab=etab, person=data["person"], starts_on=data["starts_on"],
                ends_on=data["ends_on"], motif=data["motif"], acting_user=request.user)
        except services.CatalogueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Administration déléguée à "
                             f"{delegation.person.display_name} jusqu'au "
                             f"{delegation.ends_on:%d/%m/%Y} inclus.")
            return redirect("catalogue:responsibilities", etab_id=etab.pk)
    return _responsibilities_page(request, etab, delegation_form=form)


@require_POST
@login_required
def publication(request, etab_id):
    etab = selectors.principal_etab_get(viewer=request.user, etab_id=etab_id)
    form = PublicationForm(request.POST,
                           candidates=catalogue_rights.publication_candidates(etab))
    if not form.is_valid():
        return _responsibilities_page(request, etab, publication_form=form)
    person = form.cleaned_data["person"]
    services.publication_responsible_set(etab=etab, person=person, acting_user=request.user)
    messages.success(request, "Responsable de publication : " + (
        person.display_name if person else "la direction de l'établissement") + ".")
    return redirect("catalogue:responsibilities", etab_id=etab.pk)


@require_POST
@login_required
def delegation_end(request, etab_id, pk):
    delegation = selectors.delegation_get(viewer=request.user, etab_id=etab_id, pk=pk)
    services.delegation_end(delegation=delegation, acting_user=request.user)
    messages.success(request, f"La délégation à {delegation.person.display_name} a pris fin.")
    return redirect("catalogue:responsibilities", etab_id=etab_id)
