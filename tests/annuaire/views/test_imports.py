import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annuaire.models import AafImport, ImportIssue, Person

LIST = reverse("annuaire:imports")
NON_ADMINS = ["principal_a", "admin_etab_a", "cpe_a", "doc_a", "agent_a", "teacher_a",
              "pupil_a", "parent_a", "principal_b"]


def upload(path, name=None):
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type="application/xml")


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Send a request and run the import tasks it queues on commit (eager Celery)."""

    def _run(method, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return method(*args, **kwargs)

    return _run


@pytest.fixture
def positions(aaf_samples):
    return aaf_samples / "entcore" / "positions-2024" / "before"


@pytest.mark.parametrize("who", NON_ADMINS)
def test_import_pages_are_404_for_everyone_but_the_academy_admin(world, login, who):
    client = login(getattr(world, who))
    imp = AafImport.objects.create(status=AafImport.Status.SIMULATED)
    assert client.get(LIST).status_code == 404
    assert client.post(LIST, {}).status_code == 404
    for name in ("annuaire:import", "annuaire:import_progress"):
        assert client.get(reverse(name, args=[imp.pk])).status_code == 404
    for name in ("annuaire:import_confirm", "annuaire:import_cancel", "annuaire:import_retry"):
        assert client.post(reverse(name, args=[imp.pk])).status_code == 404
    assert client.get(reverse("annuaire:import_issues", args=[imp.pk, "rejet"])).status_code == 404
    imp.refresh_from_db()
    assert imp.status == AafImport.Status.SIMULATED


def test_upload_runs_the_import_and_shows_its_report(world, login, run, positions):
    client = login(world.academy_admin)
    files = [upload(p) for p in sorted(positions.glob("*.xml"))]
    response = run(client.post, LIST, {"files": files})
    imp = AafImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("annuaire:import", args=[imp.pk])
    assert imp.status == AafImport.Status.APPLIED and imp.created_by == world.academy_admin
    page = client.get(response["Location"]).content.decode()
    assert "Appliqué" in page and "Comptes par population" in page
    assert "CLG INTEGRATION (PARIS)" in page
    # Each scrollable table is a region a screen reader lists: each needs its own name.
    regions = re.findall(r'role="region" aria-label="([^"]+)"', page)
    assert len(regions) >= 3 and len(set(regions)) == len(regions)
    assert Person.objects.filter(aaf_id="314159").exists()
    listing = client.get(LIST).content.decode()
    assert f"N° {imp.pk}" in listing


def test_zip_upload(world, login, run, positions):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in positions.glob("*.xml"):
            archive.write(path, f"livraison/{path.name}")
    client = login(world.academy_admin)
    run(client.post, LIST, {"files": [SimpleUploadedFile("livraison.zip", buffer.getvalue())]})
    imp = AafImport.objects.get()
    assert imp.status == AafImport.Status.APPLIED
    assert imp.report["counts"]["PersEducNat"]["created"] == 2


def test_simulation_writes_nothing_then_applies_or_cancels(world, login, run, positions):
    client = login(world.academy_admin)
    run(client.post, LIST, {"files": [upload(p) for p in positions.glob("*.xml")], "simulate": "on"})
    imp = AafImport.objects.get()
    assert imp.status == AafImport.Status.SIMULATED
    assert imp.report["counts"]["PersEducNat"]["created"] == 2
    assert not Person.objects.filter(aaf_id="314159").exists()
    page = client.get(reverse("annuaire:import", args=[imp.pk])).content.decode()
    assert "Simulation" in page and "Appliquer cet import" in page
    run(client.post, reverse("annuaire:import_confirm", args=[imp.pk]))
    imp.refresh_from_db()
    assert imp.status == AafImport.Status.APPLIED
    assert Person.objects.filter(aaf_id="314159").exists()
    response = client.post(reverse("annuaire:import_cancel", args=[imp.pk]), follow=True)
    assert "Seul un import simulé ou à confirmer peut être annulé." in response.content.decode()


def test_cancel_a_simulation(world, login, run, positions):
    client = login(world.academy_admin)
    run(client.post, LIST, {"files": [upload(p) for p in positions.glob("*.xml")], "simulate": "on"})
    imp = AafImport.objects.get()
    client.post(reverse("annuaire:import_cancel", args=[imp.pk]))
    imp.refresh_from_db()
    assert imp.status == AafImport.Status.CANCELLED
    assert not Person.objects.filter(aaf_id="314159").exists()


def test_bad_file_shows_the_french_error_with_file_and_line(world, login, run, aaf_samples):
    bad = aaf_samples / "service-annuaire" / "delta" / "FULL_ENTTSSERVICES_Delta_20130122_Eleve_0000.xml"
    client = login(world.academy_admin)
    run(client.post, LIST, {"files": [upload(bad)]})
    page = client.get(reverse("annuaire:import", args=[AafImport.objects.get().pk])).content.decode()
    assert "L&#x27;import a échoué" in page or "L'import a échoué" in page
    assert "FULL_ENTTSSERVICES_Delta_20130122_Eleve_0000.xml, ligne 100" in page
    assert AafImport.objects.get().status == AafImport.Status.FAILED


def test_second_import_while_one_runs_is_refused(world, login, positions):
    AafImport.objects.create(status=AafImport.Status.RUNNING, created_by=world.academy_admin)
    client = login(world.academy_admin)
    response = client.post(LIST, {"files": [upload(p) for p in positions.glob("*.xml")]})
    assert response.status_code == 400
    assert "Un import AAF est déjà en cours" in response.content.decode()
    assert AafImport.objects.count() == 1


def test_progress_partial_polls_while_active_and_reloads_when_done(world, login):
    client = login(world.academy_admin)
    running = AafImport.objects.create(status=AafImport.Status.RUNNING)
    response = client.get(reverse("annuaire:import_progress", args=[running.pk]))
    assert 'hx-trigger="every 1s"' in response.content.decode() and "HX-Refresh" not in response
    assert "<progress" in client.get(reverse("annuaire:import", args=[running.pk])).content.decode()
    running.status = AafImport.Status.APPLIED
    running.save()
    response = client.get(reverse("annuaire:import_progress", args=[running.pk]))
    assert response["HX-Refresh"] == "true"


def test_issue_lists_and_csv(world, login, run, aaf_samples, staged_copy):
    folder = staged_copy(*sorted((aaf_samples / "entcore" / "aaf-test").glob("*.xml")))
    client = login(world.academy_admin)
    uploads = [upload(p) for p in sorted(folder.glob("*.xml"))]
    run(client.post, LIST, {"files": uploads})
    imp = AafImport.objects.get()
    assert imp.status == AafImport.Status.APPLIED
    url = reverse("annuaire:import_issues", args=[imp.pk, "avertissement"])
    response = client.get(url, {"code": "structure_inconnue"})
    assert response.status_code == 200 and response.context["page"].paginator.count == 3
    assert "50187" in response.content.decode()
    # Each table region says what it holds, not « Tableau ».
    assert ('role="region" aria-label="Avertissement, défilable horizontalement"'
            in response.content.decode())
    assert ('role="region" aria-label="Historique des imports AAF, défilable horizontalement"'
            in client.get(LIST).content.decode())
    csv = b"".join(client.get(url, {"code": "structure_inconnue", "format": "csv"}).streaming_content)
    lines = csv.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("population;fichier;ligne") and len(lines) == 4
    assert client.get(reverse("annuaire:import_issues", args=[imp.pk, "nimporte"])).status_code == 404
    assert ImportIssue.objects.filter(aaf_import=imp, code="responsable_inconnu").count() == 1053


@pytest.mark.parametrize(("url", "who"), [(LIST, "academy_admin"),
                                          (reverse("annuaire:siecle_imports"), "principal_a")])
def test_the_upload_field_s_help_is_read_with_it(world, login, url, who):
    """The input names its help in aria-describedby: a screen reader says which files to give."""
    import re

    page = login(getattr(world, who)).get(url).content.decode()
    described = re.search(r'<input[^>]*type="file"[^>]*aria-describedby="([^"]+)"', page)
    assert described and f'id="{described[1]}"' in page
