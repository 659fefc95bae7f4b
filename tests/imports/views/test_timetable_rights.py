"""Who may reach the timetable import: refusals for every role of the ``world`` fixture."""

import pytest
from django.urls import reverse

from imports import services
from imports.models import Rapprochement, TimetableImport, TimetableSettings
from viescolaire.models import Cours

from .conftest import EDT, edt_file

ALLOWED = {"principal_a", "admin_etab_a", "academy_admin"}


@pytest.fixture
def pending(college):
    w = college
    imp = services.timetable_import_create(etab=w.etab_a, files=[(EDT.name, EDT.read_bytes())],
                                           user=w.principal_a)
    imp = services.timetable_import_analyse(import_id=imp.pk)
    link = Rapprochement.objects.create(etablissement=w.etab_a, kind="division",
                                        source_key="3b", source_label="3B",
                                        regroupement=w.div_3b)
    return imp, link


def pages(etab, imp, link):
    e, i = etab.pk, imp.pk
    return {
        "get": [reverse("imports:etab", args=[e]), reverse("imports:detail", args=[e, i]),
                reverse("imports:progress", args=[e, i]), reverse("imports:csv", args=[e, i]),
                reverse("imports:pdf", args=[e, i]), reverse("imports:rapprochements", args=[e]),
                reverse("imports:settings", args=[e])],
        "post": [reverse("imports:validate", args=[e, i]), reverse("imports:cancel", args=[e, i]),
                 reverse("imports:settings", args=[e]),
                 reverse("imports:rapprochement_edit", args=[e, link.pk]),
                 reverse("imports:rapprochement_delete", args=[e, link.pk])],
    }


def test_every_other_role_gets_404_everywhere_and_changes_nothing(college, pending, client):
    w = college
    imp, link = pending
    urls = pages(w.etab_a, imp, link)
    for name, person in w.roles().items():
        if name in ALLOWED:
            continue
        client.force_login(person)
        assert client.get(reverse("imports:home")).status_code == (
            302 if name == "principal_b" else 404), name
        assert reverse("imports:home") not in client.get(reverse("home")).content.decode() or (
            name == "principal_b")
        for url in urls["get"]:
            assert client.get(url).status_code == 404, (name, url)
        for url in urls["post"]:
            assert client.post(url, {"target": "ignore"}).status_code == 404, (name, url)
        upload = client.post(reverse("imports:etab", args=[w.etab_a.pk]), {"files": [edt_file()]})
        assert upload.status_code == 404, name
        form = client.post(reverse("imports:rapprochements", args=[w.etab_a.pk]), {
            "kind-1": "division", "key-1": "3a", "label-1": "3A", "target-1": "ignore"})
        assert form.status_code == 404, name
    imp.refresh_from_db()
    link.refresh_from_db()
    assert imp.status == TimetableImport.Status.BILAN and TimetableImport.objects.count() == 1
    assert link.regroupement_id == w.div_3b.pk and not link.ignored
    assert Rapprochement.objects.count() == 1 and not Cours.objects.exists()
    assert not TimetableSettings.objects.exists()


def test_a_principal_sees_only_their_establishment(college, pending, client):
    w = college
    client.force_login(w.principal_b)
    # Their own establishment: reachable.
    assert client.get(reverse("imports:home"))["Location"] == reverse(
        "imports:etab", args=[w.etab_b.pk])
    assert client.get(reverse("imports:etab", args=[w.etab_b.pk])).status_code == 200
    # The import of collège A cannot be reached under collège B's address either.
    imp, _ = pending
    assert client.get(reverse("imports:detail", args=[w.etab_b.pk, imp.pk])).status_code == 404


def test_the_same_import_under_another_establishment_is_404_even_for_its_admins(
        college, pending, login):
    w = college
    imp, link = pending
    client = login(w.principal_a)
    assert client.get(reverse("imports:detail", args=[w.etab_b.pk, imp.pk])).status_code == 404
    assert client.post(reverse("imports:rapprochement_delete", args=[w.etab_b.pk, link.pk])
                       ).status_code == 404


def test_anonymous_is_sent_to_login(college, pending, client):
    w = college
    imp, link = pending
    for url in pages(w.etab_a, imp, link)["get"]:
        response = client.get(url)
        assert response.status_code == 302 and "/compte/login/" in response["Location"]


@pytest.mark.parametrize("who", sorted(ALLOWED))
def test_allowed_roles_reach_every_page(college, pending, login, who):
    w = college
    imp, link = pending
    client = login(getattr(w, who))
    for url in pages(w.etab_a, imp, link)["get"]:
        assert client.get(url).status_code == 200, url
