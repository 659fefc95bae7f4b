"""Who reads and writes which cahier: every role, and the refusals the issue names."""

import pytest
from django.urls import reverse

from tests.viescolaire.conftest import MONDAY
from viescolaire.cahier import services
from viescolaire.cahier.models import Contenu, Devoir

# Who opens Monday's maths séance of 3A (teacher A's course) in the cahier.
SEANCE_READERS = {"teacher_a", "principal_a", "cpe_a", "pupil_a", "pupil_a2", "parent_a"}
TRAVAIL_READERS = {"pupil_a", "pupil_a2", "pupil_a3", "parent_a", "pupil_b", "parent_b"}


@pytest.mark.parametrize("who", sorted(
    ["principal_a", "admin_etab_a", "cpe_a", "doc_a", "agent_a", "teacher_a", "teacher_a2",
     "pupil_a", "pupil_a2", "pupil_a3", "parent_a", "contact_a", "principal_b", "teacher_b",
     "pupil_b", "parent_b", "academy_admin"]))
def test_each_role_opens_only_the_seances_it_may(world, cahier, timetable, login, who):
    client = login(getattr(world, who))
    response = client.get(reverse("cahier:seance", args=[timetable.maths_monday.pk]))
    assert response.status_code == (200 if who in SEANCE_READERS else 404)
    travail = client.get(reverse("cahier:travail"))
    assert travail.status_code == (200 if who in TRAVAIL_READERS else 404)
    week = client.get(reverse("cahier:teacher_week"))
    assert week.status_code == (200 if who in {"teacher_a", "teacher_a2", "teacher_b"}
                                else 404)
    visas = client.get(reverse("cahier:visas"))
    assert visas.status_code == (200 if who in {"principal_a", "principal_b"} else 404)


def test_a_teacher_may_not_write_in_a_division_they_do_not_teach(world, timetable, login):
    client = login(world.teacher_a2)  # teaches 3B, not 3A's maths
    url = reverse("cahier:seance", args=[timetable.maths_monday.pk])
    response = client.post(url, {"title": "Intrus", "body": "x", "publish": "maintenant"})
    assert response.status_code == 404
    response = client.post(reverse("cahier:devoir_add", args=[timetable.maths_monday.pk]), {
        "devoir-type": "1", "devoir-due": "date", "devoir-due_date": "2025-09-20",
        "devoir-description": "x", "devoir-publish": "maintenant"})
    assert response.status_code == 404
    assert not Contenu.objects.exists() and not Devoir.objects.exists()


def test_nor_edit_or_delete_another_teachers_homework(world, cahier, login):
    client = login(world.teacher_a2)
    assert client.get(reverse("cahier:devoir_edit", args=[cahier.devoir.pk])).status_code == 404
    assert client.post(reverse("cahier:devoir_delete", args=[cahier.devoir.pk])).status_code == 404
    assert Devoir.objects.filter(pk=cahier.devoir.pk).exists()


def test_a_parent_may_not_read_another_childs_homework(world, cahier, login):
    client = login(world.parent_a)
    mine = client.get(reverse("cahier:travail"), {"eleve": world.pupil_a.pk,
                                                  "semaine": MONDAY.isoformat()})
    assert "Exercices 1 à 4 page 12" in mine.content.decode()
    for other in (world.pupil_a2, world.pupil_a3, world.pupil_b):
        response = client.get(reverse("cahier:travail"), {"eleve": other.pk})
        assert response.status_code == 404
        assert client.get(reverse("cahier:contenus"), {"eleve": other.pk}).status_code == 404
    # A relative who is not a legal guardian reads nothing.
    assert login(world.contact_a).get(reverse("cahier:travail")).status_code == 404


def test_a_pupil_of_another_division_sees_nothing_of_it(world, cahier, login):
    client = login(world.pupil_a3)  # 3B
    page = client.get(reverse("cahier:travail"), {"semaine": MONDAY.isoformat()})
    assert "Exercices 1 à 4" not in page.content.decode()
    contents = client.get(reverse("cahier:contenus"), {"jusquau": "2025-09-30"})
    assert "fractions" not in contents.content.decode()
    assert client.post(reverse("cahier:devoir_done", args=[cahier.devoir.pk]),
                       {"fait": "1"}).status_code == 404


@pytest.mark.parametrize("who", ["teacher_a2", "pupil_a", "parent_a", "principal_b", "cpe_a"])
def test_a_draft_is_seen_by_its_author_and_the_direction_only(world, cahier, timetable, login,
                                                              who):
    # teacher_a2 co-teaches the course: a colleague's draft is still not theirs to read.
    timetable.maths.enseignants.add(world.teacher_a2)
    for author_or_direction in (world.teacher_a, world.principal_a):
        page = login(author_or_direction).get(
            reverse("cahier:seance", args=[timetable.maths_thursday.pk]))
        assert "Brouillon secret" in page.content.decode()
        monday = login(author_or_direction).get(
            reverse("cahier:seance", args=[timetable.maths_monday.pk]))
        assert "Devoir brouillon secret" in monday.content.decode()
    client = login(getattr(world, who))
    for seance in (timetable.maths_thursday, timetable.maths_monday):
        response = client.get(reverse("cahier:seance", args=[seance.pk]))
        assert "secret" not in response.content.decode()
    travail = client.get(reverse("cahier:travail"), {"semaine": MONDAY.isoformat()})
    assert "secret" not in travail.content.decode()


def test_a_co_teacher_edits_the_published_content(world, cahier, timetable, login):
    timetable.maths.enseignants.add(world.teacher_a2)
    client = login(world.teacher_a2)
    response = client.post(reverse("cahier:seance", args=[timetable.maths_monday.pk]), {
        "title": "Les fractions (suite)", "body": "Complété", "publish": "maintenant"})
    assert response.status_code == 302
    cahier.contenu.refresh_from_db()
    assert cahier.contenu.title == "Les fractions (suite)"
    assert cahier.contenu.updated_by == world.teacher_a2
    # The co-teacher's draft of Thursday stays teacher A's.
    with pytest.raises(services.CahierError):
        services.contenu_save(seance=timetable.maths_thursday, acting_user=world.teacher_a2,
                              title="", body="x", publish="maintenant")


def test_an_attachment_is_served_only_to_those_who_read_its_item(world, cahier, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    piece, = services.pieces_add(owner=world.teacher_a, devoir=cahier.devoir, uploads=[
        SimpleUploadedFile("fiche.pdf", b"%PDF-1.4 fiche", content_type="application/pdf")])
    draft_piece, = services.pieces_add(owner=world.teacher_a, devoir=cahier.draft_devoir,
                                       uploads=[SimpleUploadedFile("sujet.pdf", b"sujet")])
    url, draft_url = (reverse("cahier:piece", args=[p.pk]) for p in (piece, draft_piece))
    # The vie scolaire reads the published cahier by default (toggle « cahier.vie_scolaire »).
    for who in ("teacher_a", "principal_a", "cpe_a", "pupil_a", "parent_a"):
        response = login(getattr(world, who)).get(url)
        assert response.status_code == 200, who
        assert b"".join(response.streaming_content) == b"%PDF-1.4 fiche"
        assert response["Content-Disposition"].startswith("attachment")
    for who in ("pupil_a3", "parent_b", "teacher_a2", "principal_b"):
        assert login(getattr(world, who)).get(url).status_code == 404, who
    assert login(world.pupil_a).get(draft_url).status_code == 404
    assert login(world.cpe_a).get(draft_url).status_code == 404
    assert login(world.principal_a).get(draft_url).status_code == 200


def test_odd_addresses_answer_a_page_not_an_error(world, cahier, login):
    client = login(world.parent_a)
    for query in ({"jusquau": "0001-01-02"}, {"jusquau": "demain"}, {"eleve": "x"},
                  {"semaine": "9999-12-31"}):
        status = client.get(reverse("cahier:contenus"), query).status_code
        assert status in (200, 404), query
        assert client.get(reverse("cahier:travail"), query).status_code in (200, 404), query
