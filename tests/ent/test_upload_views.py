"""The three upload pages (AAF, SIECLE, timetable) under attack: a French refusal within
seconds, nothing kept, never a 500; and the files go once their import has ended."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annuaire.models import AafImport, SiecleImport
from ent.french import NARROW_NBSP
from imports.models import TimetableImport

from .test_uploads import _claiming

MB = 1 << 20
KINDS = {
    # kind: (who uploads, url, import model, MEDIA_ROOT subfolder, setting of its limit)
    "aaf": ("academy_admin", lambda w: reverse("annuaire:imports"), AafImport,
            "ENT_AAF_MAX_UPLOAD_BYTES"),
    "siecle": ("principal_a", lambda w: reverse("annuaire:siecle_imports"), SiecleImport,
               "ENT_SIECLE_MAX_UPLOAD_BYTES"),
    "timetable": ("principal_a", lambda w: reverse("imports:etab", args=[w.etab_a.pk]),
                  TimetableImport, "ENT_TIMETABLE_MAX_UPLOAD_BYTES"),
}


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def _run(method, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return method(*args, **kwargs)

    return _run


def _stored(settings, kind):
    root = settings.MEDIA_ROOT / kind
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _fields(world, kind):
    return {"etablissement": world.etab_a.pk} if kind == "siecle" else {}


@pytest.mark.parametrize("kind", KINDS)
def test_a_body_announced_too_large_is_refused_before_a_byte_is_read(world, login, settings,
                                                                     kind):
    who, url, model, _setting = KINDS[kind]
    client = login(getattr(world, who))
    # The test client's body is empty: reading a byte of it would fail the test.
    response = client.generic(
        "POST", url(world), b"", CONTENT_TYPE="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(10 * 1024 * MB))
    assert response.status_code == 413
    html = response.content.decode()
    assert f"envoi trop volumineux (10{NARROW_NBSP}240 Mo) : la limite est de" in html
    assert "Rien n&#x27;a été enregistré" in html
    assert not model.objects.exists() and not _stored(settings, kind)


@pytest.mark.parametrize("kind", KINDS)
def test_an_upload_passing_its_limit_as_it_arrives_is_refused(world, login, settings, kind):
    who, url, model, setting = KINDS[kind]
    setattr(settings, setting, 10_000)
    client = login(getattr(world, who))
    big = SimpleUploadedFile("gros.xml", b"<a>" + b" " * 50_000 + b"</a>")
    response = client.post(url(world), {**_fields(world, kind), "files": [big]})
    assert response.status_code == 413
    assert "envoi trop volumineux : la limite est de 9,8 Ko" in response.content.decode()
    assert not model.objects.exists() and not _stored(settings, kind)


def _false_sizes(name, content):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return _claiming(out.getvalue(), 1024)


def test_a_timetable_zip_with_false_sizes_gets_a_french_400(world, login, settings):
    client = login(world.principal_a)
    data = _false_sizes("edt.xml", b'<?xml version="1.0"?><ExportEmploiDuTemps>'
                        + b" " * (5 * MB) + b"</ExportEmploiDuTemps>")
    response = client.post(reverse("imports:etab", args=[world.etab_a.pk]),
                           {"files": [SimpleUploadedFile("export.zip", data)]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "export.zip/edt.xml : archive zip corrompue" in html
    assert not TimetableImport.objects.exists() and not _stored(settings, "timetable")


@pytest.mark.parametrize("kind", ["aaf", "siecle"])
def test_a_directory_zip_with_false_sizes_fails_its_import_in_french(world, login, run, settings,
                                                                    kind):
    who, url, model, _setting = KINDS[kind]
    client = login(getattr(world, who))
    data = _false_sizes("ENT_Complet_20240916_Eleve_0000.xml", b"<ficAlimMENESR>"
                        + b" " * (5 * MB) + b"</ficAlimMENESR>")
    response = run(client.post, url(world),
                   {**_fields(world, kind), "files": [SimpleUploadedFile("livraison.zip", data)]})
    assert response.status_code == 302
    imp = model.objects.get()
    assert imp.status == model.Status.FAILED
    assert imp.error.startswith("livraison.zip/ENT_Complet_20240916_Eleve_0000.xml : archive zip "
                                "corrompue")
    page = client.get(response["Location"]).content.decode()
    assert "archive zip corrompue" in page


def test_an_aaf_error_names_the_file_as_given_never_the_store_s_folders(world, login, run,
                                                                      aaf_samples, settings):
    bad = (aaf_samples / "service-annuaire" / "delta"
           / "FULL_ENTTSSERVICES_Delta_20130122_Eleve_0000.xml")
    client = login(world.academy_admin)
    files = [SimpleUploadedFile(bad.name, bad.read_bytes()) for _ in range(2)]
    run(client.post, reverse("annuaire:imports"), {"files": files})
    imp = AafImport.objects.get()
    assert imp.error.startswith("FULL_ENTTSSERVICES_Delta_20130122_Eleve_0000.xml, ligne 100 : ")
    page = client.get(reverse("annuaire:import", args=[imp.pk])).content.decode()
    # Neither the upload's folder (32 hex digits) nor a temporary path.
    assert not re.search(r"[0-9a-f]{32}|/tmp/|aaf-\d+-|media/", page + imp.error)


# --- Deletion -------------------------------------------------------------------------------
@pytest.fixture
def positions(aaf_samples):
    return [SimpleUploadedFile(p.name, p.read_bytes()) for p in
            sorted((aaf_samples / "entcore" / "positions-2024" / "before").glob("*.xml"))]


def test_an_applied_aaf_upload_is_deleted(world, login, run, settings, positions):
    client = login(world.academy_admin)
    run(client.post, reverse("annuaire:imports"), {"files": positions})
    imp = AafImport.objects.get()
    assert imp.status == AafImport.Status.APPLIED
    assert imp.source_dir == "" and not _stored(settings, "aaf")


def test_a_simulation_keeps_its_files_until_cancelled(world, login, run, settings, positions):
    client = login(world.academy_admin)
    run(client.post, reverse("annuaire:imports"), {"files": positions, "simulate": "on"})
    imp = AafImport.objects.get()
    assert imp.status == AafImport.Status.SIMULATED and _stored(settings, "aaf")
    client.post(reverse("annuaire:import_cancel", args=[imp.pk]))
    imp.refresh_from_db()
    assert imp.status == AafImport.Status.CANCELLED
    assert imp.source_dir == "" and not _stored(settings, "aaf")


@pytest.mark.parametrize("kind", KINDS)
def test_the_upload_pages_still_check_the_csrf_token(world, settings, kind):
    from django.test import Client

    who, url, model, _setting = KINDS[kind]
    client = Client(enforce_csrf_checks=True)
    client.force_login(getattr(world, who))
    response = client.post(url(world), {**_fields(world, kind),
                                        "files": [SimpleUploadedFile("a.xml", b"<a/>")]})
    assert response.status_code == 403
    assert not model.objects.exists() and not _stored(settings, kind)
