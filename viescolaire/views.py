"""The « Emploi du temps »: an index of the timetables one may open, and a week per timetable."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ent import rights
from ent.dates import monday_of
from ent.errors import NotFound
from ent.rights import cahier as cahier_rights

from . import selectors
from .week_grid import week_grid

WEEK = 7


@login_required
@require_GET
def timetable_index(request):
    if not rights.can_use_timetable(request.user):
        raise NotFound
    index = selectors.timetable_index(viewer=request.user,
                                      etab_id=request.GET.get("etablissement"))
    # A pupil, or a parent of one child, has one timetable of their own: show it at once.
    own = [*index.me, *index.children]
    if len(own) == 1 and own[0].kind == "eleve" and not index.etabs:
        return redirect(own[0].url)
    # Staff who see their establishment's every timetable find a pupil's by name.
    can_search = index.etab is not None and rights.timetable_full_etab_ids(request.user) != set()
    query = request.GET.get("eleve", "").strip()[:100] if can_search else ""
    pupils, more = selectors.timetable_pupil_search(viewer=request.user, etab=index.etab,
                                                     query=query)
    return render(request, "viescolaire/index.html", {
        "index": index, "can_search": can_search, "query": query, "pupils": pupils,
        "more_pupils": more,
    })


def _week(request, *, kind, pk, room=""):
    target = selectors.timetable_target_get(viewer=request.user, kind=kind, pk=pk, room=room)
    today = timezone.localdate()
    monday, error = selectors.week_monday(value=request.GET.get("semaine", ""), today=today)
    if error:
        messages.error(request, error)
    seances = selectors.week_seances(viewer=request.user, target=target, monday=monday)
    days = selectors.week_days(monday=monday, seances=seances)
    grid = week_grid(days)
    # The day a phone shows first: today, else the week's first day with courses.
    shown = next((d for d in days if d.date == today), None) or next(
        (d for d in days if d.seances), days[0])
    children = []
    if kind == "eleve" and target.pk != request.user.pk:
        children = selectors.timetable_index_children(viewer=request.user)
    return render(request, "viescolaire/week.html", {
        "target": target,
        "own": target.kind in ("eleve", "enseignant") and target.pk == request.user.pk,
        "monday": monday,
        "sunday": monday + selectors.DAY * (WEEK - 1),
        "previous": monday - selectors.DAY * WEEK,
        "next": monday + selectors.DAY * WEEK,
        "this_week": monday_of(today) == monday,
        "today": today,
        "days": days,
        "grid": grid,
        "shown_day": shown.date,
        "count": len(seances),
        "unplaced": not seances and selectors.timetable_pupil_unplaced(target=target),
        "children": children if len(children) > 1 else [],
        "cahier_links": _cahier_links(request.user, target),
    })


def _cahier_links(viewer, target):
    """A teacher's own week, or the direction's week of one of its classes: each séance opens
    in the cahier de textes (which checks again)."""
    if target.kind == "enseignant" and target.pk == viewer.pk:
        return cahier_rights.can_write_cahier(viewer)
    return target.etab is not None and cahier_rights.can_give_visas(viewer, target.etab)


@login_required
@require_GET
def week_eleve(request, pk):
    return _week(request, kind="eleve", pk=pk)


@login_required
@require_GET
def week_enseignant(request, pk):
    return _week(request, kind="enseignant", pk=pk)


@login_required
@require_GET
def week_regroupement(request, pk):
    return _week(request, kind="regroupement", pk=pk)


@login_required
@require_GET
def week_room(request, pk, room):
    return _week(request, kind="salle", pk=pk, room=room)
