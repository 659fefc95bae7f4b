"""The timetable import in the browser: upload, progress, bilan, validate or cancel, history."""

import io
import re

import pytest
from django.urls import reverse

from ent.french import NARROW_NBSP as NNBSP
from ent.french import french_number
from imports.models import TimetableImport
from imports.tasks import timetable_import_task
from viescolaire.models import Cours

from .conftest import EDT, edt_file

ALLOWED = ["principal_a", "admin_etab_a", "academy_admin"]


def detail_url(imp):
    return reverse("imports:detail", args=[imp.etablissement_id, imp.pk])


@pytest.mark.parametrize("who", ALLOWED)
def test_upload_progress_then_bilan(college, login, upload, who):
    w = college
    client = login(getattr(w, who))
    assert reverse("imports:home") in client.get(reverse("home")).content.decode()
    page = client.get(reverse("imports:etab", args=[w.etab_a.pk]))
    assert page.status_code == 200 and "Bilans d'import" in page.content.decode()
    response = upload(client, w.etab_a)
    imp = TimetableImport.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(imp)
    assert imp.status == TimetableImport.Status.BILAN and imp.uploaded_by == getattr(w, who)
    html = client.get(detail_url(imp)).content.decode()
    assert "Bilan préliminaire" in html
    counts = imp.bilan["counts"]
    assert counts["courses"] == 704
    for label, key in [("Cours", "courses"), ("Enseignants non rapprochés", "teachers_unmatched"),
                       ("Divisions rapprochées", "divisions_matched"), ("Matières", "subjects"),
                       ("dont non importables", "courses_not_importable"),
                       ("dont incomplets", "courses_incomplete"),
                       ("Séances dans le fichier", "seances"),
                       ("Périodes de fermeture", "closures"), ("Alternances", "alternances")]:
        assert re.search(rf'{re.escape(label)}</span> : <strong class="count" '
                         rf'data-count="{key}">{french_number(counts[key])}</strong>', html), label
    assert counts["seances"] >= 10000  # so the page shows it grouped: « 14 226 »
    assert "Valider cet import" in html and "Annuler l'import" in html
    progress = client.get(reverse("imports:progress", args=[w.etab_a.pk, imp.pk]))
    assert progress.status_code == 200 and progress["HX-Refresh"] == "true"
    # The academy admin reaches the establishment through the list of establishments.
    home = client.get(reverse("imports:home"))
    assert home.status_code == (200 if who == "academy_admin" else 302)


def test_progress_bar_while_waiting_and_the_task_is_idempotent(college, login):
    w = college
    client = login(w.principal_a)
    # No on-commit execution: the analysis waits for a worker.
    client.post(reverse("imports:etab", args=[w.etab_a.pk]), {"files": [edt_file()]})
    imp = TimetableImport.objects.get()
    assert imp.status == TimetableImport.Status.ANALYSE
    html = client.get(detail_url(imp)).content.decode()
    assert "En attente d'un processus d'analyse" in html and "<progress" in html
    assert 'hx-get="' + reverse("imports:progress", args=[w.etab_a.pk, imp.pk]) in html
    assert "Valider cet import" not in html
    progress = client.get(reverse("imports:progress", args=[w.etab_a.pk, imp.pk]))
    assert "HX-Refresh" not in progress
    timetable_import_task(imp.pk)
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.BILAN
    bilan = imp.bilan
    timetable_import_task(imp.pk)  # a redelivered message changes nothing
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.BILAN and imp.bilan == bilan
    done = client.get(reverse("imports:progress", args=[w.etab_a.pk, imp.pk]))
    assert "Terminé" in done.content.decode() and done["HX-Refresh"] == "true"


def test_a_bad_file_gets_a_french_message_and_no_bilan(college, login, upload):
    w = college
    client = login(w.principal_a)
    response = upload(client, w.etab_a, edt_file(name="edt.xml", data=b"<Edt>\n<Cours"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "edt.xml, ligne 1 : élément racine « Edt » inconnu" in html
    assert not TimetableImport.objects.exists()


def test_a_truncated_file_fails_in_the_analysis_with_file_and_line(college, login, upload):
    w = college
    client = login(w.principal_a)
    upload(client, w.etab_a, edt_file(data=EDT.read_bytes()[:300000]))
    imp = TimetableImport.objects.get()
    assert imp.status == TimetableImport.Status.ECHEC and "counts" not in imp.bilan
    html = client.get(detail_url(imp)).content.decode()
    assert "Edt_To_LaclasseCom_0134567A_Enclair.xml, ligne 2960 : fichier XML tronqué" in html
    assert "aucun bilan" in html and "Valider cet import" not in html


def test_a_file_of_another_establishment_fails_with_its_name(college, login, upload):
    w = college
    w.etab_a.uai = "0690001A"
    w.etab_a.save(update_fields=["uai"])
    client = login(w.principal_a)
    upload(client, w.etab_a)
    imp = TimetableImport.objects.get()
    assert imp.status == TimetableImport.Status.ECHEC
    html = client.get(detail_url(imp)).content.decode()
    assert "0134567A" in html and "Edt_To_LaclasseCom_0134567A_Enclair.xml" in html
    assert "aucun bilan" in html and "Valider cet import" not in html
    assert client.get(reverse("imports:csv", args=[w.etab_a.pk, imp.pk])).status_code == 404


def test_each_count_opens_its_list(college, login, upload):
    w = college
    client = login(w.principal_a)
    upload(client, w.etab_a)
    imp = TimetableImport.objects.get()
    html = client.get(detail_url(imp)).content.decode()
    teachers = imp.bilan["lists"]["teachers_unmatched"]
    block = re.search(r'data-count="teachers_unmatched">\d+</strong></summary>\s*'
                      r'<div[^>]*><ul class="bilan-list">(.*?)</ul>', html, re.S)
    assert block, "le nombre d'enseignants non rapprochés ouvre leur liste"
    assert all(f"<li>{name}</li>" in block.group(1) for name in teachers[:5])
    incomplete = re.search(r'data-count="courses_incomplete">\d+</strong></summary>\s*'
                           r'<div[^>]*><ul class="bilan-list">(.*?)</ul>', html, re.S)
    assert incomplete and "<li>ligne " in incomplete.group(1)
    assert re.search(r'data-count="alternances">2</strong></summary>\s*'
                     r'<div[^>]*><ul class="bilan-list">'
                     r'<li>Semaine A \(16 semaines\)</li>', html)
    assert re.search(r'data-count="courses_subject_only">100</strong></summary>\s*'
                     r'<div[^>]*><ul class="bilan-list"><li>ligne \d+</li>', html)


def test_bilan_downloads_as_csv_and_pdf(college, login, upload):
    from pypdf import PdfReader

    w = college
    client = login(w.principal_a)
    upload(client, w.etab_a)
    imp = TimetableImport.objects.get()
    counts = imp.bilan["counts"]
    response = client.get(reverse("imports:csv", args=[w.etab_a.pk, imp.pk]))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert f"Cours;{counts['courses']};" in text
    assert f"Enseignants non rapprochés;;{imp.bilan['lists']['teachers_unmatched'][0]}" in text
    response = client.get(reverse("imports:pdf", args=[w.etab_a.pk, imp.pk]))
    assert response["Content-Type"] == "application/pdf"
    pdf = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert f"Cours : {counts['courses']}" in pdf
    grouped = french_number(counts["seances"]).replace(NNBSP, " ")
    assert f"Séances dans le fichier : {grouped}" in pdf.replace(NNBSP, " ")


def test_validate_applies_and_shows_what_it_applied(college, login, upload, run):
    w = college
    client = login(w.admin_etab_a)
    upload(client, w.etab_a)
    imp = TimetableImport.objects.get()
    url = reverse("imports:validate", args=[w.etab_a.pk, imp.pk])
    # The click claims the import; the worker applies it (here at commit, Celery being eager).
    response = client.post(url)
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.VALIDATION
    assert "Validation en attente" in client.get(detail_url(imp)).content.decode()
    # A second click (another admin) while it runs is refused.
    assert "validation en cours" in client.post(url, follow=True).content.decode()
    from imports.tasks import timetable_validate_task

    timetable_validate_task(imp.pk)
    assert response.status_code == 302 and response["Location"] == detail_url(imp)
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.VALIDE and imp.decided_by == w.admin_etab_a
    applied = imp.bilan["applied"]
    assert Cours.objects.count() == applied["courses_created"] > 0
    html = client.get(detail_url(imp)).content.decode()
    assert "Validé" in html and "Appliqué à l'emploi du temps" in html
    assert f"Cours créés : <strong>{applied['courses_created']}</strong>" in html
    assert "Valider cet import" not in html and "Annuler l'import</button>" not in html
    # A validated import cannot be cancelled.
    response = client.post(reverse("imports:cancel", args=[w.etab_a.pk, imp.pk]), follow=True)
    assert "ne peut plus être annulé" in response.content.decode()
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.VALIDE


def test_cancel_changes_nothing(college, login, upload):
    w = college
    client = login(w.principal_a)
    upload(client, w.etab_a)
    imp = TimetableImport.objects.get()
    response = client.post(reverse("imports:cancel", args=[w.etab_a.pk, imp.pk]), follow=True)
    assert "Import annulé" in response.content.decode()
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.ANNULE and imp.decided_by == w.principal_a
    assert not Cours.objects.exists()
    client.post(reverse("imports:validate", args=[w.etab_a.pk, imp.pk]))
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.ANNULE and not Cours.objects.exists()


def test_a_stale_bilan_says_why_and_offers_nothing(college, login, upload):
    w = college
    client = login(w.principal_a)
    upload(client, w.etab_a)
    upload(client, w.etab_a)
    old, new = TimetableImport.objects.order_by("pk")
    assert old.status == TimetableImport.Status.PERIME
    html = client.get(detail_url(old)).content.decode()
    # The newer one, by its number within the establishment and its link.
    assert "ne peut plus être validé" in html and "import n°&nbsp;2," in html
    assert detail_url(new) in html
    assert "Valider cet import" not in html and "Annuler l'import</button>" not in html
    client.post(reverse("imports:validate", args=[w.etab_a.pk, old.pk]))
    old.refresh_from_db()
    assert old.status == TimetableImport.Status.PERIME and not Cours.objects.exists()


def test_history_lists_every_import_with_who_and_when(college, login, upload):
    w = college
    client = login(w.principal_a)
    upload(client, w.etab_a)
    first = TimetableImport.objects.get()
    client.post(reverse("imports:cancel", args=[w.etab_a.pk, first.pk]))
    upload(login(w.admin_etab_a), w.etab_a)
    html = client.get(reverse("imports:etab", args=[w.etab_a.pk])).content.decode()
    assert html.count('href="/emploi-du-temps/imports/') >= 2
    assert "Annulé par PRINCIPAL Claire le" in html
    assert "ADMIN Alain" in html and "Bilan préliminaire prêt" in html


def test_history_and_bilan_pages_have_bounded_queries(college, login, upload,
                                                      django_assert_max_num_queries):
    w = college
    client = login(w.principal_a)
    for _ in range(3):
        upload(client, w.etab_a)
    imp = TimetableImport.objects.order_by("-pk").first()
    with django_assert_max_num_queries(12):
        assert client.get(reverse("imports:etab", args=[w.etab_a.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(detail_url(imp)).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("imports:rapprochements", args=[w.etab_a.pk])
                          ).status_code == 200


def _bug(**kwargs):
    raise RuntimeError("bug")


def test_an_unexpected_error_ends_the_progress_with_a_message(college, login, monkeypatch):
    w = college
    client = login(w.principal_a)
    client.post(reverse("imports:etab", args=[w.etab_a.pk]), {"files": [edt_file()]})
    imp = TimetableImport.objects.get()
    monkeypatch.setattr("imports.services.bilan_build", _bug)
    with pytest.raises(RuntimeError):
        timetable_import_task(imp.pk)
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.ECHEC
    progress = client.get(reverse("imports:progress", args=[w.etab_a.pk, imp.pk]))
    assert progress["HX-Refresh"] == "true"
    assert "Erreur inattendue pendant l&#x27;analyse" in client.get(detail_url(imp)).content.decode()


def test_an_unexpected_error_in_validation_fails_the_import_and_changes_nothing(
        college, login, upload, monkeypatch):
    from imports.tasks import timetable_validate_task

    w = college
    client = login(w.principal_a)
    upload(client, w.etab_a)
    imp = TimetableImport.objects.get()
    client.post(reverse("imports:validate", args=[w.etab_a.pk, imp.pk]))
    monkeypatch.setattr("imports.apply.timetable_apply", _bug)
    with pytest.raises(RuntimeError):
        timetable_validate_task(imp.pk)
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.ECHEC
    assert not Cours.objects.exists()
    assert "Erreur inattendue pendant la validation" in client.get(
        detail_url(imp)).content.decode()


def test_the_academy_admin_finds_an_establishment_by_name_or_uai(college, login):
    w = college
    client = login(w.academy_admin)
    html = client.get(reverse("imports:home")).content.decode()
    assert w.etab_a.name in html and w.etab_b.name in html
    html = client.get(reverse("imports:home"), {"q": "0134567a"}).content.decode()
    assert w.etab_a.name in html and w.etab_b.name not in html
    html = client.get(reverse("imports:home"), {"q": "victor"}).content.decode()
    assert w.etab_b.name in html and w.etab_a.name not in html


def test_bilan_shows_what_would_change_and_the_groups_to_manage(college, login, upload):
    w = college
    client = login(w.principal_a)
    upload(client, w.etab_a)
    imp = TimetableImport.objects.get()
    html = client.get(detail_url(imp)).content.decode()
    added = imp.bilan["changes"]["services"]["added"]
    assert added and f'data-count="ch_services_added">{len(added)}</strong>' in html
    assert "Services d&#x27;enseignement ajoutés (dont" in html
    assert re.search(r'data-count="gr_to_create">48</strong></summary>', html)
    assert "Séances dans le fichier : " in html and "Cours annulés depuis la rentrée" in html


def test_principal_chooses_where_groups_come_from(college, login):
    from imports.models import TimetableSettings

    w = college
    url = reverse("imports:settings", args=[w.etab_a.pk])
    client = login(w.principal_a)
    html = client.get(url).content.decode()
    assert "Depuis le fichier d" in html
    assert re.search(r'<input[^>]*value="siecle"[^>]*checked', html)
    assert not TimetableSettings.objects.exists(), "reading the defaults writes nothing"
    client.post(url, {"group_source": "emploi_du_temps"})
    assert TimetableSettings.objects.get(etablissement=w.etab_a).group_source == "emploi_du_temps"
    assert re.search(r'<input[^>]*value="emploi_du_temps"[^>]*checked',
                     client.get(url).content.decode())
    client.post(url, {"group_source": "manuel"})
    chosen = TimetableSettings.objects.get(etablissement=w.etab_a)
    assert (chosen.group_source, chosen.updated_by) == ("manuel", w.principal_a)
    client.post(url, {"group_source": "emploi_du_temps"})
    for who in (w.teacher_a, w.cpe_a, w.parent_a, w.pupil_a, w.principal_b):
        assert login(who).get(url).status_code == 404
        assert login(who).post(url, {"group_source": "manuel"}).status_code == 404
    assert TimetableSettings.objects.get(etablissement=w.etab_a).group_source == "emploi_du_temps"
