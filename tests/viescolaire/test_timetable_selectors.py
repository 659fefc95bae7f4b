"""Selectors of the timetable: weeks, targets, today's courses."""

import datetime

import pytest

from viescolaire import selectors

from .conftest import MONDAY, make_cours, make_seance


def test_week_monday():
    today = datetime.date(2025, 9, 18)
    assert selectors.week_monday(value="", today=today) == (MONDAY, "")
    assert selectors.week_monday(value="2025-09-21", today=today) == (MONDAY, "")
    assert selectors.week_monday(value="2013-09-16", today=today)[0] == datetime.date(2013, 9, 16)
    monday, error = selectors.week_monday(value="demain", today=today)
    assert monday == MONDAY and "« demain »" in error


def test_target_out_of_reach_is_not_found(world, timetable):
    with pytest.raises(selectors.TargetNotFound):
        selectors.timetable_target_get(viewer=world.pupil_a, kind="eleve", pk=world.pupil_a2.pk)
    with pytest.raises(selectors.TargetNotFound):
        selectors.timetable_target_get(viewer=world.principal_a, kind="autre", pk=1)
    target = selectors.timetable_target_get(viewer=world.pupil_a, kind="regroupement",
                                            pk=world.grp_latin.pk)
    assert (target.kind, target.label, target.heading) == ("groupe", "3LATIN",
                                                         "du groupe 3LATIN")


def test_week_seances_and_days(world, timetable):
    target = selectors.timetable_target_get(viewer=world.pupil_a, kind="eleve",
                                            pk=world.pupil_a.pk)
    seances = selectors.week_seances(viewer=world.pupil_a, target=target, monday=MONDAY)
    assert [(s.date.weekday(), s.matiere, s.cancelled, s.salle) for s in seances] == [
        (0, "MATHEMATIQUES", False, "S101"), (1, "LATIN", True, "S102, CDI"),
        (3, "MATHEMATIQUES", False, "B12")]
    assert seances[2].salle_habituelle == "S101" and seances[2].changed
    saturday = make_cours(world.etab_a, day=6, start=(8, 0), end=(12, 0), label="SORTIE",
                          regs=[world.div_3a])
    make_seance(saturday, MONDAY + datetime.timedelta(days=5))
    seances = selectors.week_seances(viewer=world.pupil_a, target=target, monday=MONDAY)
    days = selectors.week_days(monday=MONDAY, seances=seances)
    assert len(days) == 6 and days[-1].is_weekend and days[-1].seances[0].matiere == "SORTIE"


def test_room_names_are_split(world, timetable):
    assert selectors.timetable_rooms(etab=world.etab_a) == ["B12", "CDI", "S101", "S102"]


def test_a_room_is_looked_up_as_the_list_names_it(world, timetable):
    for room in selectors.timetable_rooms(etab=world.etab_a):
        assert selectors.timetable_room_exists(etab=world.etab_a, room=room), room
    for room in ("", "S10", "101", "S102, CDI", " S101", "B1", "s101"):
        assert not selectors.timetable_room_exists(etab=world.etab_a, room=room), room
    assert selectors.timetable_room_exists(etab=world.etab_b, room="B1")


def test_today_per_profile(world, timetable):
    blocks = selectors.today_timetables(viewer=world.parent_a, day=MONDAY)
    assert [(b.title, [s.matiere for s in b.seances]) for b in blocks] == [
        ("Cours du jour de Léa", ["MATHEMATIQUES"])]
    blocks = selectors.today_timetables(viewer=world.teacher_a, day=MONDAY)
    assert [s.matiere for s in blocks[0].seances] == ["MATHEMATIQUES", "ANGLAIS LV1"]
    blocks = selectors.today_timetables(viewer=world.pupil_a3, day=MONDAY)
    assert [s.matiere for s in blocks[0].seances] == ["ANGLAIS LV1"]
    assert selectors.today_timetables(viewer=world.cpe_a, day=MONDAY) == []
    assert selectors.today_timetables(viewer=world.contact_a, day=MONDAY) == []


def test_a_colleague_teaching_elsewhere_shows_only_this_establishments_courses(world, timetable):
    from annuaire.models import Role

    Role.objects.create(person=world.teacher_a, etablissement=world.etab_b, role="enseignant")
    elsewhere = make_cours(world.etab_b, day=1, start=(14, 0), end=(15, 0), label="LATIN B",
                           teachers=[world.teacher_a], regs=[world.div_b_3a])
    make_seance(elsewhere, MONDAY)

    def week(viewer):
        target = selectors.timetable_target_get(viewer=viewer, kind="enseignant",
                                                pk=world.teacher_a.pk)
        return {s.matiere for s in selectors.week_seances(viewer=viewer, target=target,
                                                          monday=MONDAY)}

    assert "LATIN B" in week(world.teacher_a)
    assert "LATIN B" not in week(world.principal_a)
    assert week(world.principal_b) == {"LATIN B"}
    assert "LATIN B" in week(world.academy_admin)


def test_week_monday_refuses_the_calendars_ends():
    today = datetime.date(2025, 9, 18)
    for value in ("9999-12-31", "0001-01-03"):
        monday, error = selectors.week_monday(value=value, today=today)
        assert monday == MONDAY and f"« {value} » est hors du calendrier" in error
    assert selectors.week_monday(value="2999-12-31", today=today)[1] == ""
