"""Suspended and deactivated accounts: their lists, and the actions on one account."""

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ent import rights
from ent.errors import NotFound

from .. import selectors, services
from ..forms import SuspendForm
from ..models import AccountState

PAGE_SIZE = 25


def _list_context(request, state):
    viewer = request.user
    if not rights.can_manage_accounts(viewer):
        raise NotFound
    etabs = list(selectors.account_etabs(viewer=viewer))
    etab = None
    requested = request.GET.get("etab")
    if requested:
        etab = next((e for e in etabs if str(e.pk) == requested), None)
        if etab is None:
            raise NotFound("Établissement inconnu")
    people = selectors.accounts_in_state(viewer=viewer, state=state, etab=etab)
    page = Paginator(selectors.accounts_page_prefetch(people), PAGE_SIZE).get_page(
        request.GET.get("page"))
    kept = {"etab": requested} if requested else {}
    return {
        "etabs": etabs, "etab": etab, "page": page,
        "querystring_base": urlencode(kept) + "&" if kept else "",
        "next": request.get_full_path(),
    }


@login_required
def suspended_accounts(request):
    context = _list_context(request, AccountState.SUSPENDU)
    for person in context["page"].object_list:
        for suspension in person.shown_suspensions:
            suspension.liftable = rights.can_lift_suspension(request.user, suspension)
        person.liftable = any(s.liftable for s in person.shown_suspensions) or (
            person.suspended_at is not None and not person.shown_suspensions)
    context["crumbs"] = [("Comptes suspendus", None)]
    return render(request, "annuaire/blocking/suspended.html", context)


@login_required
def deactivated_accounts(request):
    context = _list_context(request, AccountState.DESACTIVE)
    delay = timedelta(days=settings.ENT_PURGE_DELAY_DAYS)
    for person in context["page"].object_list:
        person.purge_on = person.deactivated_at + delay
    context.update({
        "delay": settings.ENT_PURGE_DELAY_DAYS,
        "can_purge_all": rights.can_purge_accounts(request.user),
        "crumbs": [("Comptes désactivés", None)],
    })
    return render(request, "annuaire/blocking/deactivated.html", context)


def safe_next(request, target):
    """``target`` when it is a path of this portal, else None.

    Only an absolute path ("/…") is followed, and never through ``redirect()``, which would
    take « abc » for a view name and answer 500: another host, a scheme, a relative or
    malformed address falls back to the page the action belongs to.
    """
    if (target and target.startswith("/") and "\x00" not in target
            and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                require_https=request.is_secure())):
        return target
    return None


def _back(request, person, default=None):
    target = safe_next(request, request.POST.get("next", ""))
    return HttpResponseRedirect(
        target or default or reverse("annuaire:person", args=[person.pk]))


@require_POST
@login_required
def person_suspend(request, pk):
    person = selectors.managed_account_get(viewer=request.user, person_id=pk)
    if not rights.can_suspend(request.user, person):
        raise NotFound
    form = SuspendForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez le motif de la suspension.")
        return _back(request, person)
    try:
        services.account_suspend(person=person, reason=form.cleaned_data["reason"],
                                 acting_user=request.user)
    except services.AccountStateError as exc:
        messages.error(request, str(exc))
    else:
        if person.suspended_at:
            messages.success(request, f"Compte de {person.display_name} suspendu : ses "
                                      "sessions ouvertes sont fermées.")
        else:
            messages.success(request, f"Compte de {person.display_name} suspendu dans votre "
                                      "établissement : la personne se connecte encore pour ses "
                                      "autres établissements.")
    return _back(request, person)


def _change_state(request, pk, change, done):
    """Apply ``change`` to one managed account, then say ``done`` (formatted with its name)."""
    person = selectors.managed_account_get(viewer=request.user, person_id=pk)
    if not rights.can_change_account_state(request.user, person):
        raise NotFound
    try:
        change(person=person, acting_user=request.user)
    except services.AccountStateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done.format(name=person.display_name))
    return _back(request, person)


@require_POST
@login_required
def person_reinstate(request, pk):
    person = selectors.managed_account_get(viewer=request.user, person_id=pk)
    if not rights.can_suspend(request.user, person):
        raise NotFound
    try:
        services.account_reinstate(person=person, acting_user=request.user)
    except services.AccountStateError as exc:
        messages.error(request, str(exc))
    else:
        if selectors.person_is_suspended(person=person):
            messages.success(request, f"Suspension levée pour votre part : le compte de "
                                      f"{person.display_name} reste suspendu ailleurs.")
        else:
            messages.success(request, f"Compte de {person.display_name} rétabli.")
    return _back(request, person)


@require_POST
@login_required
def person_reactivate(request, pk):
    return _change_state(request, pk, services.account_reactivate,
                         "Compte de {name} réactivé : la personne retrouve son identifiant et "
                         "son mot de passe.")


@login_required
def person_purge(request, pk):
    """Confirm (GET), then delete (POST) one deactivated account now."""
    person = selectors.managed_account_get(viewer=request.user, person_id=pk)
    if not person.deactivated_at or not rights.can_change_account_state(request.user, person):
        raise NotFound
    if request.method == "POST":
        name = person.display_name
        services.account_purge(person=person, acting_user=request.user)
        messages.success(request, f"Compte de {name} purgé : ses données personnelles sont "
                                  "supprimées.")
        return _back(request, person, default=reverse("annuaire:deactivated_accounts"))
    return render(request, "annuaire/blocking/purge_confirm.html", {
        "person": person, "next": safe_next(request, request.GET.get("next", "")) or "",
        "crumbs": [("Comptes désactivés", reverse("annuaire:deactivated_accounts")),
                   (person.display_name, None)],
    })
