"""The desktop's hour grid and the phone's day tabs, as the server writes them."""

import datetime
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from viescolaire.selectors import Day, SeanceView
from viescolaire.week_grid import MAX_LANES, grid_stylesheet, week_grid

from .conftest import MONDAY, make_cours, make_seance

T = datetime.time


def _seance(day, start, end, label="MATHEMATIQUES"):
    return SeanceView(date=day, start=T(*start), end=T(*end), matiere=label, enseignants=[],
                      regroupements=[], salle="", cancelled=False)


def _classes(item):
    return dict(re.match(r"edt-(r|s|c|ce)(\d+)", c).groups() for c in item.grid_class.split())


def test_a_course_is_as_tall_as_it_lasts_and_gaps_are_shown():
    one = _seance(MONDAY, (8, 0), (9, 0))
    two = _seance(MONDAY, (10, 0), (12, 0))
    after_lunch = _seance(MONDAY, (13, 30), (14, 25))
    tuesday = Day(MONDAY + datetime.timedelta(days=1), [_seance(MONDAY, (15, 0), (17, 0))])
    monday = Day(MONDAY, [one, two, after_lunch])
    grid = week_grid([monday, tuesday])
    # Rows of five minutes from the week's first hour (8h) to its last (17h).
    assert (grid.first_hour, grid.rows) == (8, 9 * 12)
    assert grid.hours[0] == (8, 1) and grid.hours[-1] == (16, 97)
    assert _classes(one) == {"r": "1", "s": "12", "c": "1", "ce": "2"}
    assert _classes(two) == {"r": "25", "s": "24", "c": "1", "ce": "2"}  # twice as tall
    assert _classes(after_lunch) == {"r": "67", "s": "11", "c": "1", "ce": "2"}
    free = [item for item in monday.items if item.free]
    assert [(f.label, f.start, f.end) for f in free] == [
        ("Pas de cours", T(9), T(10)), ("Pause méridienne", T(12), T(13, 30))]
    assert _classes(free[1]) == {"r": "49", "s": "18", "c": "1", "ce": "2"}
    assert [item.start for item in monday.items] == [T(8), T(9), T(10), T(12), T(13, 30)]


def test_courses_at_the_same_hour_sit_side_by_side():
    day = Day(MONDAY, [_seance(MONDAY, (8, 0), (10, 0), "LATIN"),
                       _seance(MONDAY, (8, 0), (9, 0), "GREC"),
                       _seance(MONDAY, (9, 0), (10, 0), "ALLEMAND"),
                       _seance(MONDAY, (10, 0), (11, 0), "ANGLAIS")])
    week_grid([day])
    latin, grec, allemand, anglais = day.seances
    assert day.lanes == 2
    assert (_classes(latin)["c"], _classes(latin)["ce"]) == ("1", "2")
    assert (_classes(grec)["c"], _classes(grec)["ce"]) == ("2", "3")
    assert (_classes(allemand)["c"], _classes(allemand)["ce"]) == ("2", "3")
    # Alone at its hour: the whole width.
    assert (_classes(anglais)["c"], _classes(anglais)["ce"]) == ("1", "3")


def test_more_courses_at_once_than_lanes_still_fit():
    day = Day(MONDAY, [_seance(MONDAY, (8, 0), (9, 0), f"G{n}") for n in range(MAX_LANES + 3)])
    week_grid([day])
    assert day.lanes == MAX_LANES
    assert max(int(_classes(s)["ce"]) for s in day.seances) == MAX_LANES + 1


def test_the_stylesheet_holds_every_class_the_grid_gives():
    """The page may not carry inline styles (CSP): the classes' rules are a static file,
    regenerated with grid_stylesheet() whenever week_grid changes."""
    path = Path(settings.BASE_DIR) / "static" / "css" / "edt-grid.css"
    assert path.read_text() == grid_stylesheet()
    css = path.read_text()
    for rule in (".edt-r216 {", ".edt-s216 {", ".edt-n216 {", ".edt-ce7 {", ".edt-cols-6 {"):
        assert rule in css


def test_the_week_page_draws_the_grid_and_the_day_tabs(world, timetable, login):
    client = login(world.teacher_a)
    url = reverse("viescolaire:week_enseignant", args=[world.teacher_a.pk])
    html = client.get(url, {"semaine": MONDAY.isoformat()}).content.decode()
    assert '/static/css/edt-grid.css"' in html
    assert 'style="' not in html and "<style" not in html
    # Monday 8h–9h maths and 9h–10h English (replacing), Tuesday 10h–11h Latin: 8h to 11h.
    assert '<ol class="seances edt-grid edt-n36 edt-cols-1">' in html
    assert re.search(r'<li class="seance edt-r1 edt-s12 edt-c1 edt-ce2">\s*<p class="seance-when">'
                     r'<time datetime="2025-09-15T08:00">', html)
    assert '<li class="edt-r13 edt-s12">9h</li>' in html  # the hour axis
    # One tab per day, anchors to each day's section; the week's first day with courses is
    # shown first when today is not in it.
    tabs = re.findall(r'<a class="edt-tab edt-d(\d)( edt-shown)?" href="#jour-([\d-]+)"', html)
    assert [(d, date) for d, _, date in tabs] == [
        ("1", "2025-09-15"), ("2", "2025-09-16"), ("3", "2025-09-17"), ("4", "2025-09-18"),
        ("5", "2025-09-19")]
    assert [date for _, shown, date in tabs if shown] == ["2025-09-15"]
    assert '<section id="jour-2025-09-16" class="edt-day edt-d2"' in html


def test_the_phone_shows_today_first(world, timetable, login):
    from django.utils import timezone

    today = timezone.localdate()
    cours = make_cours(world.etab_a, day=today.isoweekday(), start=(14, 0), end=(15, 0),
                       label="SVT", teachers=[world.teacher_a], regs=[world.div_3a])
    make_seance(cours, today)
    html = login(world.teacher_a).get(
        reverse("viescolaire:week_enseignant", args=[world.teacher_a.pk])).content.decode()
    day = today.isoformat()
    assert re.search(rf'<a class="edt-tab edt-d\d edt-shown" href="#jour-{day}" '
                     r'aria-current="date">', html)
    assert re.search(rf'<section id="jour-{day}" class="edt-day edt-d\d edt-shown today"', html)
