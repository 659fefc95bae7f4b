"""The week page: what a séance shows, changes marked in words, navigation without JavaScript."""

import datetime
import re

from django.urls import reverse

from .conftest import MONDAY


def _week(client, url, semaine=MONDAY):
    response = client.get(url, {"semaine": semaine.isoformat()})
    assert response.status_code == 200
    return response, response.content.decode()


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_pupil_week_shows_their_divisions_and_groups(world, timetable, login):
    response, html = _week(login(world.pupil_a),
                           reverse("viescolaire:week_eleve", args=[world.pupil_a.pk]))
    text = _text(html)
    # Their own week is « Mon emploi du temps »; their parent reads whose it is.
    assert "<h1>Mon emploi du temps</h1>" in html
    _, parents = _week(login(world.parent_a),
                       reverse("viescolaire:week_eleve", args=[world.pupil_a.pk]))
    assert "<h1>Emploi du temps de DUPONT Léa</h1>" in parents
    assert "Semaine du 15 septembre 2025 au 21 septembre 2025" in text
    assert "MATHEMATIQUES" in text and "LATIN" in text and "ANGLAIS" not in text
    assert "8h00 – 9h00" in text and "MARTIN Hélène" in text and "Salle S101" in text
    # Cancelled: a word, not only a colour or a strike-through.
    assert re.search(r'class="seance cancelled[" ].*?Annulé.*?LATIN', html, re.S)
    # Room change on Thursday: the new room and the usual one.
    assert "Salle B12 (changement de salle, au lieu de S101)" in text
    assert response.context["count"] == 3
    days = [d.date for d in response.context["days"]]
    assert days == [MONDAY + datetime.timedelta(days=n) for n in range(5)]


def test_teacher_week_shows_their_courses_and_replacements(world, timetable, login):
    _, html = _week(login(world.teacher_a),
                    reverse("viescolaire:week_enseignant", args=[world.teacher_a.pk]))
    text = _text(html)
    assert "MATHEMATIQUES" in text and "LATIN" in text
    assert "Remplacé par MARTIN Hélène (au lieu de DURAND Paul)" in text
    assert "Modifié" in text


def test_division_and_room_weeks(world, timetable, login):
    client = login(world.principal_a)
    _, html = _week(client, reverse("viescolaire:week_regroupement", args=[world.div_3b.pk]))
    text = _text(html)
    assert "Emploi du temps de la division 3B" in text and "ANGLAIS LV1" in text
    assert "MATHEMATIQUES" not in text
    response, html = _week(client, reverse("viescolaire:week_room", args=[world.etab_a.pk, "S101"]))
    # Monday's maths and English; Thursday's maths moved to B12.
    assert response.context["count"] == 2
    response, _ = _week(client, reverse("viescolaire:week_room", args=[world.etab_a.pk, "B12"]))
    assert response.context["count"] == 1
    response, _ = _week(client, reverse("viescolaire:week_room", args=[world.etab_a.pk, "CDI"]))
    assert response.context["count"] == 1


def test_week_navigation_and_date_picker(world, timetable, login):
    client = login(world.pupil_a)
    url = reverse("viescolaire:week_eleve", args=[world.pupil_a.pk])
    response, html = _week(client, url, MONDAY + datetime.timedelta(days=3))
    assert response.context["monday"] == MONDAY
    assert 'href="?semaine=2025-09-08"' in html and 'href="?semaine=2025-09-22"' in html
    assert '<input type="date" id="edt-date" name="semaine" value="2025-09-15">' in html
    response, _ = _week(client, url, MONDAY + datetime.timedelta(days=7))
    assert response.context["count"] == 0


def test_a_bad_date_says_so_and_shows_this_week(world, timetable, login):
    client = login(world.pupil_a)
    response = client.get(reverse("viescolaire:week_eleve", args=[world.pupil_a.pk]),
                          {"semaine": "15/09/2025"})
    assert response.status_code == 200
    assert "La date « 15/09/2025 » n&#x27;est pas valide" in response.content.decode()


def test_parent_chooses_among_their_children(world, timetable, login):
    from tests.factories import ParenteFactory

    ParenteFactory(eleve=world.pupil_a3, responsable=world.parent_a)
    client = login(world.parent_a)
    response = client.get(reverse("viescolaire:timetable"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Emploi du temps de DUPONT Léa" in html and "Emploi du temps de PETIT Inès" in html
    _, html = _week(client, reverse("viescolaire:week_eleve", args=[world.pupil_a3.pk]))
    assert 'aria-label="Choisir l\'enfant"' in html
    assert "ANGLAIS LV1" in html and "LATIN" not in html


def test_index_redirects_a_pupil_and_a_single_child_parent(world, timetable, login):
    response = login(world.pupil_a).get(reverse("viescolaire:timetable"))
    assert response["Location"] == reverse("viescolaire:week_eleve", args=[world.pupil_a.pk])
    response = login(world.parent_a).get(reverse("viescolaire:timetable"))
    assert response["Location"] == reverse("viescolaire:week_eleve", args=[world.pupil_a.pk])


def test_index_lists_what_each_may_open(world, timetable, login):
    html = login(world.teacher_a).get(reverse("viescolaire:timetable")).content.decode()
    assert "Mon emploi du temps" in html and ">3A<" in html and ">3LATIN<" in html
    assert ">3B<" not in html and "Salles" not in html
    html = login(world.cpe_a).get(reverse("viescolaire:timetable")).content.decode()
    assert ">3B<" in html and "MARTIN Hélène" in html and ">CDI<" in html and ">B12<" in html
    assert "B1<" not in html
    admin = login(world.academy_admin)
    html = admin.get(reverse("viescolaire:timetable")).content.decode()
    assert "Choisissez un établissement." in html and "Choisir l'établissement" in html
    html = admin.get(reverse("viescolaire:timetable"),
                     {"etablissement": world.etab_b.pk}).content.decode()
    assert ">B1<" in html and ">S101<" not in html


def test_divisions_link_to_their_week_only_when_allowed(world, timetable, login):
    _, html = _week(login(world.teacher_a),
                    reverse("viescolaire:week_enseignant", args=[world.teacher_a.pk]))
    div_3a = reverse("viescolaire:week_regroupement", args=[world.div_3a.pk])
    div_3b = reverse("viescolaire:week_regroupement", args=[world.div_3b.pk])
    assert f'<a href="{div_3a}?semaine=2025-09-15">3A</a>' in html
    # Replacing in 3B does not open 3B's timetable.
    assert div_3b not in html


def test_an_empty_week_counts_its_seances_in_the_singular(world, timetable, login):
    _, html = _week(login(world.pupil_a),
                    reverse("viescolaire:week_eleve", args=[world.pupil_a.pk]),
                    semaine=MONDAY + datetime.timedelta(days=70))
    assert "0 séance cette semaine." in html and "0 séances" not in html


def test_a_date_at_the_calendars_ends_says_so_instead_of_crashing(world, timetable, login):
    client = login(world.pupil_a)
    url = reverse("viescolaire:week_eleve", args=[world.pupil_a.pk])
    for value in ("9999-12-31", "0001-01-01"):
        response = client.get(url, {"semaine": value})
        assert response.status_code == 200
        assert f"La date « {value} » est hors du calendrier affiché" in _text(
            response.content.decode())


def test_the_first_of_the_month_is_written_1er(world, timetable, login):
    from .conftest import make_seance

    # The week of Monday 29 September 2025 holds Wednesday 1 October.
    make_seance(timetable.latin, datetime.date(2025, 10, 1))
    _, html = _week(login(world.pupil_a),
                    reverse("viescolaire:week_eleve", args=[world.pupil_a.pk]),
                    semaine=datetime.date(2025, 10, 1))
    text = _text(html)
    assert "Semaine du 29 septembre 2025 au 5 octobre 2025" in text
    assert "Mercredi 1er octobre" in text and "Mercredi 1 octobre" not in text



def test_another_week_links_back_to_this_week_and_this_week_marks_today(world, timetable, login):
    from django.utils import timezone

    from .conftest import make_seance

    make_seance(timetable.maths, timezone.localdate())  # so that even a Sunday shows
    client = login(world.pupil_a)
    url = reverse("viescolaire:week_eleve", args=[world.pupil_a.pk])
    _, html = _week(client, url)
    assert (f'<a class="button secondary small edt-now" href="{url}">'
            "Revenir à la semaine en cours</a>") in html
    assert "Aujourd'hui" not in html
    html = client.get(url).content.decode()
    assert "Revenir à la semaine en cours" not in html
    assert html.count("Aujourd'hui</span>") == 1


def test_a_room_whose_name_holds_a_slash_is_listed_and_opens(world, timetable, login):
    from .conftest import make_cours, make_seance

    labo = make_cours(world.etab_a, day=1, start=(14, 0), end=(15, 0), label="SVT",
                      salle="LABO 1/2", teachers=[world.teacher_a], regs=[world.div_3a])
    make_seance(labo, MONDAY)
    client = login(world.cpe_a)
    response = client.get(reverse("viescolaire:timetable"))
    assert response.status_code == 200
    url = f"/emploi-du-temps/salle/{world.etab_a.pk}/LABO%201/2/"
    assert f'<a href="{url}">LABO 1/2</a>' in response.content.decode()
    response, html = _week(client, url)
    assert response.context["count"] == 1 and "Emploi du temps de la salle LABO 1/2" in html
    assert client.get(f"/emploi-du-temps/salle/{world.etab_a.pk}/LABO%201/3/").status_code == 404


def test_an_empty_week_says_so_once_instead_of_day_by_day(world, timetable, login):
    client = login(world.pupil_a)
    _, html = _week(client, reverse("viescolaire:week_eleve", args=[world.pupil_a.pk]),
                    semaine=MONDAY + datetime.timedelta(days=7))
    assert "Aucun cours cette semaine : vacances, ou semaine hors de l'emploi du temps" in html
    assert "Pas de cours." not in html and "edt-jour-" not in html
    # A week with courses keeps its days, an empty one among them.
    _, html = _week(client, reverse("viescolaire:week_eleve", args=[world.pupil_a.pk]))
    assert "Aucun cours cette semaine" not in html and "Pas de cours." in html


def test_a_pupil_in_no_division_is_told_why_the_week_is_empty(world, timetable, login):
    from annuaire.models import Inscription

    Inscription.objects.filter(eleve=world.pupil_a2).delete()
    _, html = _week(login(world.pupil_a2),
                    reverse("viescolaire:week_eleve", args=[world.pupil_a2.pk]))
    assert "Aucune division ni aucun groupe pour BERNARD Noé" in _text(html)
    _, html = _week(login(world.pupil_a),
                    reverse("viescolaire:week_eleve", args=[world.pupil_a.pk]),
                    semaine=MONDAY + datetime.timedelta(days=7))
    assert "Aucune division" not in html


def test_families_do_not_read_the_uai(world, timetable, login):
    url = reverse("viescolaire:week_eleve", args=[world.pupil_a.pk])
    for family in (world.pupil_a, world.parent_a):
        _, html = _week(login(family), url)
        assert "COLLEGE JEAN MOULIN (LYON)" in html and "0690001A" not in html
    _, html = _week(login(world.principal_a), url)
    assert "COLLEGE JEAN MOULIN (LYON) (0690001A)" in html


def test_subjects_read_in_their_edition_label_where_one_is_known(world, timetable, login):
    """SIECLE and STS-web give « Mathématiques »: the week shows it; a course whose subject
    has none (LATIN, matched to no subject) keeps the file's uppercase label."""
    world.maths.libelle_edition = "Mathématiques"
    world.maths.save()
    _, html = _week(login(world.pupil_a),
                    reverse("viescolaire:week_eleve", args=[world.pupil_a.pk]))
    text = _text(html)
    assert "Mathématiques" in text and "MATHEMATIQUES" not in text and "LATIN" in text
