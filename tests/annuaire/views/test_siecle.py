"""Upload of SIECLE / STS-web exports from the browser: rights, progress, report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annuaire.models import Person, SiecleImport, SiecleIssue
from tests.annuaire.siecle.conftest import FIXTURES, SET, give_siecle_ids

LIST = reverse("annuaire:siecle_imports")
# Roles refused everywhere: no SIECLE page exists for them.
REFUSED = ["cpe_a", "doc_a", "agent_a", "teacher_a", "teacher_a2", "pupil_a", "parent_a",
           "contact_a", "teacher_b", "pupil_b", "parent_b"]


def upload(name):
    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes(), content_type="application/xml")


@pytest.fixture
def siecle_world(world):
    return give_siecle_ids(world)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def _run(method, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return method(*args, **kwargs)

    return _run


def post_set(client, run, etab, names=SET):
    return run(client.post, LIST, {"etablissement": etab.pk, "files": [upload(n) for n in names]})


@pytest.mark.parametrize("who", ["principal_a", "admin_etab_a", "academy_admin"])
def test_upload_progress_and_report(siecle_world, login, run, who, settings):
    w = siecle_world
    client = login(getattr(w, who))
    assert "Compléments SIECLE et STS-web" in client.get(reverse("home")).content.decode()
    page = client.get(LIST)
    assert page.status_code == 200 and "COLLEGE JEAN MOULIN" in page.content.decode()
    response = post_set(client, run, w.etab_a)
    imp = SiecleImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("annuaire:siecle_import", args=[imp.pk])
    assert imp.status == SiecleImport.Status.APPLIED, imp.error
    assert imp.created_by == getattr(w, who)
    assert ('aria-label="Historique des imports SIECLE et STS-web, défilable horizontalement"'
            in client.get(LIST).content.decode())
    # The uploaded exports (personal data) are gone once the run has ended.
    uploads = settings.MEDIA_ROOT / "siecle"
    assert uploads.is_dir() and imp.source_dir == "" and not any(uploads.rglob("*.xml"))
    report = client.get(response["Location"]).content.decode()
    assert "Appliqué" in report and "Lignes écrites dans l'annuaire" in report
    assert "FICTIF-CŒUR Chlœ" in report and "<td>ElevesSansAdresses.xml, ligne 55</td>" in report
    assert "« _3ATELIER »" in report
    assert Person.objects.get(pk=w.pupil_a.pk).ine == "00000000123"
    progress = client.get(reverse("annuaire:siecle_import_progress", args=[imp.pk]))
    assert progress.status_code == 200 and progress["HX-Refresh"] == "true"
    # The same files again: nothing written, and the report says so.
    post_set(client, run, w.etab_a)
    again = SiecleImport.objects.exclude(pk=imp.pk).get()
    assert again.rows_written == 0
    page = client.get(reverse("annuaire:siecle_import", args=[again.pk])).content.decode()
    assert "Aucune modification" in page and "0 ligne écrite" in page


def test_leaver_is_shown_on_the_card_and_in_the_directory(siecle_world, login, run):
    w = siecle_world
    client = login(w.principal_a)
    post_set(client, run, w.etab_a)
    card = client.get(reverse("annuaire:person", args=[w.pupil_a3.pk])).content.decode()
    assert "Sorti le 12/03/2026 (suite etudes 2d deg. men:public hors aca)" in card
    listing = client.get(reverse("annuaire:directory"), {"q": "petit"}).content.decode()
    assert "Sorti le 12/03/2026" in listing
    lea = client.get(reverse("annuaire:person", args=[w.pupil_a.pk])).content.decode()
    assert "Anglais lv1" in lea and "demi-pensionnaire" in lea
    assert "d'après ElevesSansAdresses.xml (2025)" in lea
    assert "à contacter en priorité" in lea and "héberge l&#x27;élève" not in lea


def test_bad_file_shows_its_french_message_and_writes_nothing(siecle_world, login, run):
    w = siecle_world
    client = login(w.principal_a)
    bad = SimpleUploadedFile("ElevesSansAdresses.xml",
                             (FIXTURES / "ElevesSansAdresses.xml").read_bytes()[:2500])
    run(client.post, LIST, {"etablissement": w.etab_a.pk,
                            "files": [upload("Nomenclature.xml"), bad]})
    imp = SiecleImport.objects.get()
    assert imp.status == SiecleImport.Status.FAILED
    page = client.get(reverse("annuaire:siecle_import", args=[imp.pk])).content.decode()
    assert "rien n'a été écrit" in page and "ElevesSansAdresses.xml, ligne" in page
    assert "tronqué" in page
    assert Person.objects.get(pk=w.pupil_a.pk).ine == ""


def test_oversize_upload_is_refused_before_storing(siecle_world, login, run, settings):
    settings.ENT_SIECLE_MAX_UPLOAD_BYTES = 1000
    client = login(siecle_world.principal_a)
    response = post_set(client, run, siecle_world.etab_a)
    assert response.status_code == 413
    assert "envoi trop volumineux" in response.content.decode()
    assert not list((settings.MEDIA_ROOT / "siecle").glob("*"))
    assert not SiecleImport.objects.exists()


def test_a_second_run_while_one_is_active_is_refused(siecle_world, login, run):
    SiecleImport.objects.create(etablissement=siecle_world.etab_a,
                                status=SiecleImport.Status.RUNNING)
    client = login(siecle_world.principal_a)
    response = post_set(client, run, siecle_world.etab_a)
    assert response.status_code == 400 and "déjà en cours" in response.content.decode()


def test_principal_of_another_establishment_gets_404(siecle_world, login, run):
    w = siecle_world
    imp = SiecleImport.objects.create(etablissement=w.etab_a, status=SiecleImport.Status.APPLIED)
    client = login(w.principal_b)
    # Their own establishment only is offered.
    page = client.get(LIST).content.decode()
    assert "VICTOR HUGO" in page and "JEAN MOULIN" not in page
    assert client.get(reverse("annuaire:siecle_import", args=[imp.pk])).status_code == 404
    assert client.get(reverse("annuaire:siecle_import_progress", args=[imp.pk])).status_code == 404
    response = post_set(client, run, w.etab_a)
    assert response.status_code == 404
    assert SiecleImport.objects.count() == 1
    assert Person.objects.get(pk=w.pupil_a.pk).ine == ""


@pytest.mark.parametrize("who", REFUSED)
def test_other_roles_are_refused(siecle_world, login, run, who):
    w = siecle_world
    imp = SiecleImport.objects.create(etablissement=w.etab_a, status=SiecleImport.Status.APPLIED)
    client = login(getattr(w, who))
    assert "Compléments SIECLE" not in client.get(reverse("home")).content.decode()
    assert client.get(LIST).status_code == 404
    assert post_set(client, run, w.etab_a).status_code == 404
    assert client.get(reverse("annuaire:siecle_import", args=[imp.pk])).status_code == 404
    assert client.get(reverse("annuaire:siecle_import_progress", args=[imp.pk])).status_code == 404
    assert SiecleImport.objects.count() == 1


def test_anonymous_is_sent_to_login(client):
    assert client.get(LIST).status_code == 302


def test_report_and_list_queries_are_bounded(siecle_world, login, run,
                                            django_assert_max_num_queries):
    w = siecle_world
    client = login(w.principal_a)
    post_set(client, run, w.etab_a)
    imp = SiecleImport.objects.get()
    SiecleIssue.objects.bulk_create([SiecleIssue(
        siecle_import=imp, level="non_rapproche", population="eleves", file="x.xml", line=n,
        identifier=str(n), message="aucun compte") for n in range(300)])
    for _ in range(30):
        SiecleImport.objects.create(etablissement=w.etab_a, status=SiecleImport.Status.APPLIED,
                                    created_by=w.principal_a)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("annuaire:siecle_import", args=[imp.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("annuaire:siecle_import", args=[imp.pk]),
                          {"niveau": "non_rapproche", "page": 3}).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(LIST).status_code == 200


def test_records_to_examine_as_csv(siecle_world, login, run):
    w = siecle_world
    client = login(w.admin_etab_a)
    post_set(client, run, w.etab_a)
    imp = SiecleImport.objects.get()
    response = client.get(reverse("annuaire:siecle_import", args=[imp.pk]),
                          {"niveau": "non_rapproche", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == "type;population;fichier;ligne;identifiant;nom;motif"
    assert len(lines) == 4
    assert "Sans compte correspondant;eleves;ElevesSansAdresses.xml;55;1000009;FICTIF-CŒUR Chlœ" \
        in text
    other = login(w.principal_b)
    assert other.get(reverse("annuaire:siecle_import", args=[imp.pk]),
                     {"format": "csv"}).status_code == 404
