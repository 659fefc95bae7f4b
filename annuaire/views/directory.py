from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ent import rights
from ent.errors import NotFound

from .. import selectors, services
from ..activation.selectors import code_reissue_etabs_for as reissue_etabs
from ..forms import DirectoryFilterForm, LoginRenameForm, SuspendForm
from ..paging import COUNT_CAP, CappedPaginator
from ..suspensions import suspensions_shown

PAGE_SIZE = 25


@login_required
def directory(request):
    viewer = request.user
    if not rights.can_browse_directory(viewer):
        raise NotFound
    etabs = list(selectors.directory_etabs(viewer=viewer))
    requested = request.GET.get("etab")
    etab = options = None
    if requested:
        etab = selectors.directory_etab_get(viewer=viewer, etab_id=requested)
    elif etabs:
        etab = etabs[0]
    taught = selectors.teacher_regroupements(viewer=viewer)
    if etab is not None:
        options = selectors.directory_filter_options(etab=etab)
        regroupements = options["divisions"] + options["groupes"]
    else:
        # A teacher filters by the divisions and groups they teach.
        regroupements = taught
        if taught:
            options = selectors.teacher_filter_options(regroupements=taught)
    show_states = etab is not None and rights.can_see_account_details(viewer, {etab.pk})
    form = DirectoryFilterForm(request.GET or None, options=options, show_states=show_states,
                               profiles=selectors.directory_profiles(viewer=viewer, etab=etab))
    filters = form.filters()
    # « 4C » in the search box names the class: list its pupils and teachers.
    named = selectors.regroupement_matching(filters.q, regroupements)
    if named is not None:
        filters.q = ""
        if named.nature == named.Nature.DIVISION:
            filters.division = filters.division or named.pk
        else:
            filters.groupe = filters.groupe or named.pk
    chosen = [r for r in regroupements if r.pk in {filters.division, filters.groupe}]
    people = selectors.directory_search(viewer=viewer, etab=etab, filters=filters)
    people = selectors.directory_page_prefetch(people, viewer=viewer, etab=etab)
    page = CappedPaginator(people, PAGE_SIZE, cap=COUNT_CAP).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    # A family reads each teacher as the subject and the child they teach.
    teaching = selectors.family_teacher_labels(
        viewer=viewer, person_ids=[p.pk for p in page.object_list]) if etab is None else {}
    for person in page.object_list:
        person.row_labels = teaching.get(person.pk) or selectors.directory_row_labels(
            person, etab=etab)
    kept = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(request, "annuaire/directory.html", {
        "etabs": etabs, "etab": etab, "form": form, "page": page,
        "querystring_base": urlencode(kept) + "&" if kept else "",
        "show_account": show_states,
        "named_regroupement": named, "chosen_regroupements": chosen, "taught": taught,
        "taught_elsewhere": len({r.etablissement_id for r in taught}) > 1,
        "advanced_open": any(request.GET.get(k) for k in ("division", "groupe", "matiere", "state")),
        "crumbs": [("Annuaire", None)],
    })


@login_required
def person_detail(request, pk):
    card = selectors.person_card(viewer=request.user, person_id=pk)
    person = card.person
    can_manage = rights.can_manage_account(request.user, person)
    can_manage_state = rights.can_manage_account_state(request.user, person)
    can_suspend = can_manage_state and rights.can_suspend(request.user, person)
    can_change_state = can_manage_state and rights.can_change_account_state(request.user, person)
    account_refusal = (rights.account_action_refusal(request.user, person)
                       if can_manage_state and not can_change_state else None)
    suspensions = (suspensions_shown(viewer=request.user, person=person)
                   if can_manage_state else [])
    levels = rights.suspension_levels(request.user, person) if can_suspend else []
    decided = {s.etablissement_id for s in suspensions}
    can_suspend_more = bool(set(levels) - decided)
    can_lift = can_suspend and (any(s.liftable for s in suspensions)
                                or (person.suspended_at is not None and not suspensions))
    can_reissue = (person.deactivated_at is None and person.suspended_at is None
                   and bool(reissue_etabs(viewer=request.user, person=person)))
    purge_on = person.deactivated_at and person.deactivated_at + timedelta(
        days=settings.ENT_PURGE_DELAY_DAYS)
    return render(request, "annuaire/person_detail.html", {
        "card": card, "person": person,
        "login_form": LoginRenameForm(initial={"login": person.login}) if can_manage else None,
        "can_manage_state": can_manage_state, "can_suspend": can_suspend, "purge_on": purge_on,
        "suspend_form": SuspendForm() if can_suspend_more else None,
        "suspend_scope": _suspend_scope(levels, person),
        "suspensions": suspensions, "can_lift": can_lift, "can_change_state": can_change_state,
        "can_reissue_code": can_reissue, "account_refusal": account_refusal,
        "crumbs": [("Annuaire", reverse("annuaire:directory")), (card.person.display_name, None)],
    })


def _suspend_scope(levels, person):
    """What a suspension by this viewer will refuse, when not everything."""
    if not levels or levels == [None]:
        return ""
    if set(levels) >= rights.person_etab_ids(person):
        return ""
    return ("La suspension vaudra pour votre établissement seulement : la personne se "
            "connectera encore pour ses autres établissements.")


@require_POST
@login_required
def person_login(request, pk):
    card = selectors.person_card(viewer=request.user, person_id=pk)
    if not rights.can_manage_account(request.user, card.person):
        raise NotFound
    form = LoginRenameForm(request.POST)
    if form.is_valid():
        old = card.person.login
        try:
            services.person_login_rename(person=card.person, new_login=form.cleaned_data["login"],
                                         acting_user=request.user)
        except services.LoginError as exc:
            messages.error(request, str(exc))
        else:
            if card.person.login != old:
                messages.success(request, f"Identifiant changé : {old} → {card.person.login}.")
    return redirect("annuaire:person", pk=card.person.pk)


@login_required
def class_list(request, pk):
    """A division's or group's list, for a teacher who teaches it or a whole directory's
    reader: its pupils and teachers, on screen and printed."""
    regroupement = selectors.class_list_get(viewer=request.user, regroupement_id=pk)
    listing = selectors.class_list(regroupement=regroupement)
    division = regroupement.nature == regroupement.Nature.DIVISION
    title = f"Liste {'de la classe' if division else 'du groupe'} {regroupement.code}"
    return render(request, "annuaire/class_list.html", {
        "listing": listing, "regroupement": regroupement, "title": title,
        "kind": "la classe" if division else "le groupe",
        "crumbs": [("Annuaire", reverse("annuaire:directory")), (title, None)],
    })
