"""A teacher writes a séance and gives homework; families are told; visas flag and lock."""

import datetime as dt

import pytest
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from ent.notifications.models import Notification
from ent.rights import cahier as rights
from tests.viescolaire.conftest import MONDAY
from viescolaire.cahier import selectors, services
from viescolaire.cahier.models import Contenu, Devoir, DevoirFait, State, Visa


def test_the_teacher_writes_the_content_published_at_the_end_of_the_seance(world, timetable,
                                                                          login):
    client = login(world.teacher_a)
    url = reverse("cahier:seance", args=[timetable.maths_monday.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="publish" value="fin"' in page.content.decode()  # the default choice
    response = client.post(url, {"title": "Les fractions", "body": "Ligne 1\nLigne 2\n\nSuite",
                                 "publish": "fin"})
    assert response.status_code == 302
    contenu = Contenu.objects.get(seance=timetable.maths_monday)
    assert contenu.state == State.PUBLISHED
    assert timezone.localtime(contenu.publish_at).time() == dt.time(9, 0)
    assert contenu.publish_at.date() == MONDAY
    assert contenu.body == "<p>Ligne 1<br>Ligne 2</p><p>Suite</p>"
    assert contenu.author == world.teacher_a


def test_deferred_publication_is_read_by_date(world, timetable):
    seance = timetable.maths_monday
    contenu = services.contenu_save(seance=seance, acting_user=world.teacher_a, title="T",
                                    body="B", publish=services.Publish.END)
    before = timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(8, 30)))
    after = timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(9, 1)))
    def visible(viewer, when):
        return Contenu.objects.filter(rights.contenus_visible_q(viewer, now=when),
                                      pk=contenu.pk).exists()

    assert not visible(world.pupil_a, before)
    assert visible(world.pupil_a, after)
    assert visible(world.parent_a, after)
    assert visible(world.teacher_a, before)  # the teacher sees what is programmed


def test_homework_defaults_to_the_next_seance_and_tells_the_families(world, timetable, types,
                                                                     login):
    client = login(world.teacher_a)
    page = client.get(reverse("cahier:seance", args=[timetable.maths_monday.pk]))
    html = page.content.decode()
    # The next séance of the course is chosen by default.
    assert f'<option value="{timetable.maths_thursday.pk}" selected>' in html
    response = client.post(reverse("cahier:devoir_add", args=[timetable.maths_monday.pk]), {
        "devoir-type": types["Exercices"].pk, "devoir-due": timetable.maths_thursday.pk,
        "devoir-minutes": "20", "devoir-description": "Exercice 3 page 45",
        "devoir-publish": "maintenant"})
    assert response.status_code == 302
    devoir = Devoir.objects.get()
    assert devoir.due_seance == timetable.maths_thursday
    assert devoir.due_date == timetable.maths_thursday.date
    told = set(Notification.objects.filter(kind="cahier_devoir").values_list(
        "recipient_id", flat=True))
    assert told == {world.pupil_a.pk, world.pupil_a2.pk, world.parent_a.pk}
    assert Notification.objects.filter(kind="cahier_devoir").first().email_mode == "quotidien"


def test_homework_for_a_date_and_its_errors_keep_what_was_typed(world, timetable, types, login):
    client = login(world.teacher_a)
    url = reverse("cahier:devoir_add", args=[timetable.maths_monday.pk])
    response = client.post(url, {
        "devoir-type": types["Leçon à apprendre"].pk, "devoir-due": "date",
        "devoir-description": "Apprendre le théorème", "devoir-publish": "maintenant"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Indiquez la date pour laquelle le travail est à faire." in html
    assert "Apprendre le théorème" in html
    response = client.post(url, {
        "devoir-type": types["Leçon à apprendre"].pk, "devoir-due": "date",
        "devoir-due_date": "2025-09-01", "devoir-description": "Apprendre le théorème",
        "devoir-publish": "maintenant"})
    assert response.status_code == 400
    assert "avant la séance où il est donné" in response.content.decode()
    response = client.post(url, {
        "devoir-type": types["Leçon à apprendre"].pk, "devoir-due": "date",
        "devoir-due_date": "2025-09-22", "devoir-description": "Apprendre le théorème",
        "devoir-publish": "brouillon"})
    assert response.status_code == 302
    devoir = Devoir.objects.get()
    assert devoir.due_seance is None and devoir.state == State.DRAFT
    assert not Notification.objects.filter(kind="cahier_devoir").exists()


def test_the_workload_flags_a_day_with_an_evaluation(world, timetable, types, login):
    # Another subject of 3A already set a test for Thursday.
    services.devoir_save(seance=timetable.maths_monday, acting_user=world.teacher_a,
                         type=types["Évaluation"], minutes=45, description="Contrôle",
                         publish=services.Publish.NOW, due_seance=timetable.maths_thursday)
    load = selectors.workload(viewer=world.teacher_a, regroupement_ids=[world.div_3a.pk],
                              start=MONDAY + dt.timedelta(days=1))
    thursday = next(d for d in load if d.date == timetable.maths_thursday.date)
    assert (thursday.minutes, thursday.evaluation) == (45, True)
    page = login(world.teacher_a).get(reverse("cahier:seance", args=[timetable.maths_monday.pk]))
    assert "Évaluation prévue" in page.content.decode()
    # 3B's load is its own.
    other = selectors.workload(viewer=world.teacher_a2, regroupement_ids=[world.div_3b.pk],
                               start=MONDAY)
    assert not any(d.count for d in other)


def test_publishing_at_night_says_families_hear_in_the_morning(world, timetable, types, login,
                                                               monkeypatch):
    night = timezone.make_aware(dt.datetime(2025, 9, 15, 21, 30))
    monkeypatch.setattr(services.timezone, "now", lambda: night)
    from viescolaire.cahier import views

    monkeypatch.setattr(views.timezone, "now", lambda: night)
    response = login(world.teacher_a).post(
        reverse("cahier:devoir_add", args=[timetable.maths_monday.pk]), {
            "devoir-type": types["Exercices"].pk, "devoir-due": timetable.maths_thursday.pk,
            "devoir-description": "Exercice 5", "devoir-publish": "maintenant"}, follow=True)
    assert "les familles seront prévenues demain matin" in response.content.decode()
    assert services.families_told_later(now=night)
    assert not services.families_told_later(
        now=timezone.make_aware(dt.datetime(2025, 9, 15, 14, 0)))


def test_the_pupil_ticks_done_and_the_parent_sees_it(world, cahier, login):
    url = reverse("cahier:travail")
    response = login(world.pupil_a).post(
        reverse("cahier:devoir_done", args=[cahier.devoir.pk]),
        {"fait": "1", "next": f"{url}?semaine={MONDAY}"})
    assert response.status_code == 302
    assert DevoirFait.objects.filter(devoir=cahier.devoir, eleve=world.pupil_a).exists()
    page = login(world.parent_a).get(url, {"semaine": MONDAY.isoformat()}).content.decode()
    assert "Fait" in page and "J'ai fait ce travail" not in page
    # An outside address is not followed.
    response = login(world.pupil_a).post(
        reverse("cahier:devoir_done", args=[cahier.devoir.pk]),
        {"fait": "0", "next": "https://evil.example/"})
    assert response["Location"].startswith(url)
    assert not DevoirFait.objects.exists()


def test_travail_filters_by_subject(world, cahier, timetable, types, login):
    services.devoir_save(seance=timetable.latin_tuesday, acting_user=world.teacher_a,
                         type=types["Lecture"], minutes=15, description="Lire Ovide",
                         publish=services.Publish.NOW,
                         due_date=MONDAY + dt.timedelta(days=3))
    client = login(world.pupil_a)
    both = client.get(reverse("cahier:travail"), {"semaine": MONDAY.isoformat()})
    assert "Lire Ovide" in both.content.decode() and "Exercices 1 à 4" in both.content.decode()
    latin = client.get(reverse("cahier:travail"), {"semaine": MONDAY.isoformat(),
                                                   "matiere": "LATIN"}).content.decode()
    assert "Lire Ovide" in latin and "Exercices 1 à 4" not in latin
    assert "environ 45 min" in both.content.decode()  # Thursday: 30 + 15 minutes


def test_visa_flags_changes_after_it_and_may_lock(world, cahier, timetable, login):
    client = login(world.principal_a)
    overview = client.get(reverse("cahier:visas")).content.decode()
    assert "MARTIN" in overview and "MATHEMATIQUES" in overview
    url = reverse("cahier:visa_cahier", args=[world.etab_a.pk, world.teacher_a.pk,
                                              world.div_3a.pk])
    query = "?matiere=MATHEMATIQUES"
    assert client.get(url + query).status_code == 200
    response = client.post(url + query, {"up_to": "2025-09-30", "comment": "Bon cahier",
                                         "locks": ""})
    assert response.status_code == 302
    visa = Visa.objects.get()
    assert (visa.given_by, visa.locks) == (world.principal_a, False)
    week = selectors.teacher_week(viewer=world.teacher_a, monday=MONDAY)
    assert {r.state for r in week if r.seance == timetable.maths_monday} == {"vise"}
    services.contenu_save(seance=timetable.maths_monday, acting_user=world.teacher_a,
                          title="Changé", body="Changé", publish="maintenant",
                          now=timezone.now() + dt.timedelta(minutes=1))
    week = selectors.teacher_week(viewer=world.teacher_a, monday=MONDAY)
    assert [r.changed_after_visa for r in week if r.seance == timetable.maths_monday] == [True]
    page = login(world.teacher_a).get(reverse("cahier:teacher_week"),
                                      {"semaine": MONDAY.isoformat()})
    assert "Modifié après visa" in page.content.decode()
    # A locking visa: no more changes.
    Visa.objects.update(locks=True)
    with pytest.raises(services.CahierError, match="verrouille"):
        services.contenu_save(seance=timetable.maths_monday, acting_user=world.teacher_a,
                              title="", body="x", publish="maintenant")
    # Out of the direction's establishment: 404.
    assert login(world.principal_b).get(url + query).status_code == 404


def test_a_seance_carrying_cahier_data_cannot_be_deleted(world, cahier, timetable):
    with pytest.raises(ProtectedError):
        timetable.maths_monday.delete()
    with pytest.raises(ProtectedError):
        timetable.maths_thursday.delete()  # due séance of a homework, and a draft content


def test_the_week_view_links_a_teachers_seances_to_the_cahier(world, timetable, login):
    page = login(world.teacher_a).get(
        reverse("viescolaire:week_enseignant", args=[world.teacher_a.pk]),
        {"semaine": MONDAY.isoformat()}).content.decode()
    assert reverse("cahier:seance", args=[timetable.maths_monday.pk]) in page
    pupil = login(world.pupil_a).get(
        reverse("viescolaire:week_eleve", args=[world.pupil_a.pk]),
        {"semaine": MONDAY.isoformat()}).content.decode()
    assert reverse("cahier:seance", args=[timetable.maths_monday.pk]) not in pupil


def test_a_seance_is_copied_to_another_class_the_teacher_writes(world, cahier, timetable,
                                                                 login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.pieces_add(owner=world.teacher_a, devoir=cahier.devoir,
                        uploads=[SimpleUploadedFile("fiche.pdf", b"fiche")])
    client = login(world.teacher_a)
    page = client.get(reverse("cahier:seance", args=[timetable.maths_monday.pk]))
    # Teacher A replaces the English teacher in 3B on Monday: that séance is theirs to write.
    assert f'<option value="{timetable.anglais_monday.pk}">' in page.content.decode()
    response = client.post(reverse("cahier:seance_copy", args=[timetable.maths_monday.pk]),
                           {"cible": timetable.anglais_monday.pk})
    assert response["Location"] == reverse("cahier:seance", args=[timetable.anglais_monday.pk])
    copied = Contenu.objects.get(seance=timetable.anglais_monday)
    assert (copied.title, copied.state) == ("Les fractions", State.PUBLISHED)
    devoirs = list(Devoir.objects.filter(seance=timetable.anglais_monday))
    # The published homework and teacher A's own draft, each due as in the source.
    assert sorted(d.description for d in devoirs) == [
        "<p>Devoir brouillon secret</p>", "<p>Exercices 1 à 4 page 12</p>"]
    assert {d.due_date for d in devoirs} == {timetable.maths_thursday.date}
    files = [p for d in devoirs for p in d.pieces.all()]
    assert [p.name for p in files] == ["fiche.pdf"]
    assert services.piece_path(files[0]).read_bytes() == b"fiche"
    # A colleague may not copy into a séance they do not write.
    other = login(world.teacher_a2).post(
        reverse("cahier:seance_copy", args=[timetable.anglais_monday.pk]),
        {"cible": timetable.maths_thursday.pk})
    assert other.status_code == 404


def test_the_visa_pdf_holds_the_cahier_and_fetches_nothing(world, cahier, timetable, login):
    services.contenu_save(seance=timetable.maths_monday, acting_user=world.teacher_a,
                          title="Les fractions", publish="maintenant",
                          body='<p>Cours</p><img src="http://127.0.0.1:9/espion.png" alt="">')
    services.visa_give(etab=world.etab_a, enseignant=world.teacher_a,
                       regroupement=world.div_3a, matiere_label="MATHEMATIQUES", up_to=MONDAY,
                       comment="Vu", locks=False, acting_user=world.principal_a)
    url = reverse("cahier:visa_pdf", args=[world.etab_a.pk, world.teacher_a.pk,
                                           world.div_3a.pk])
    query = {"matiere": "MATHEMATIQUES"}
    response = login(world.principal_a).get(url, query)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    import io

    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Les fractions" in text and "Visa jusqu" in text
    assert "Brouillon secret" not in text
    for who in ("teacher_a", "principal_b", "parent_a"):
        assert login(getattr(world, who)).get(url, query).status_code == 404
