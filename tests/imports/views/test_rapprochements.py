"""Rapprochements from the browser: link the bilan's unknown names, the bilan is recomputed
from the same upload."""

import pytest
from django.urls import reverse

from imports.models import Rapprochement, TimetableImport
from tests.factories import RegroupementFactory

URL = "imports:rapprochements"


@pytest.fixture
def analysed(college, login, upload):
    w = college
    client = login(w.principal_a)
    upload(client, w.etab_a)
    return w, client, TimetableImport.objects.get()


def key_of(imp, kind, label):
    return next(m["key"] for m in imp.bilan["matches"][kind] if m["label"] == label)


def test_the_page_lists_unknown_names_with_directory_choices(analysed):
    w, client, imp = analysed
    html = client.get(reverse(URL, args=[w.etab_a.pk])).content.decode()
    for label in imp.bilan["lists"]["divisions_unmatched"][:3]:
        assert f">{label}</label>" in html
    assert '<option value="ignore">Ignorer</option>' in html
    assert f'<option value="{w.div_3a.pk}">3A</option>' in html
    assert f'<option value="{w.teacher_a.pk}">MARTIN Hélène</option>' in html
    # Another establishment's division is never offered.
    assert f'<option value="{w.div_b_3a.pk}">3A</option>' not in html


def test_a_rapprochement_recomputes_the_bilan_from_the_same_upload(analysed, run):
    w, client, imp = analysed
    label = "4A"
    assert label in imp.bilan["lists"]["divisions_unmatched"]
    division = RegroupementFactory(etablissement=w.etab_a, code="4EME A")
    before = imp.bilan["counts"]
    response = run(client.post, reverse(URL, args=[w.etab_a.pk]), {
        "kind-1": "division", "key-1": key_of(imp, "division", label), "label-1": label,
        "target-1": str(division.pk),
        "kind-2": "division", "key-2": key_of(imp, "division", "4B"), "label-2": "4B",
        "target-2": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:detail", args=[w.etab_a.pk, imp.pk])
    link = Rapprochement.objects.get()
    assert (link.kind, link.source_label, link.regroupement) == ("division", "4A", division)
    assert link.updated_by == w.principal_a
    assert TimetableImport.objects.count() == 1, "aucun nouveau dépôt"
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.BILAN
    counts = imp.bilan["counts"]
    assert counts["divisions_matched"] == before["divisions_matched"] + 1
    assert counts["divisions_unmatched"] == before["divisions_unmatched"] - 1
    assert label not in imp.bilan["lists"]["divisions_unmatched"]
    html = client.get(reverse("imports:detail", args=[w.etab_a.pk, imp.pk])).content.decode()
    assert f'data-count="divisions_matched">{counts["divisions_matched"]}</strong>' in html


def test_ignore_then_edit_then_delete(analysed, run):
    w, client, imp = analysed
    teacher = imp.bilan["lists"]["teachers_unmatched"][0]
    before = imp.bilan["counts"]["teachers_unmatched"]
    run(client.post, reverse(URL, args=[w.etab_a.pk]), {
        "kind-1": "teacher", "key-1": key_of(imp, "teacher", teacher), "label-1": teacher,
        "target-1": "ignore"})
    imp.refresh_from_db()
    link = Rapprochement.objects.get()
    assert link.ignored and imp.bilan["counts"]["teachers_unmatched"] == before - 1
    html = client.get(reverse(URL, args=[w.etab_a.pk])).content.decode()
    assert "Rapprochements enregistrés" in html and f"<td>{teacher}</td>" in html
    run(client.post, reverse("imports:rapprochement_edit", args=[w.etab_a.pk, link.pk]),
        {"target": str(w.teacher_a.pk)})
    link.refresh_from_db()
    imp.refresh_from_db()
    assert link.person == w.teacher_a and not link.ignored
    assert imp.bilan["counts"]["teachers_matched"] == 1
    run(client.post, reverse("imports:rapprochement_delete", args=[w.etab_a.pk, link.pk]))
    imp.refresh_from_db()
    assert not Rapprochement.objects.exists()
    assert imp.bilan["counts"]["teachers_unmatched"] == before


def test_a_target_of_another_establishment_is_refused(analysed, run):
    w, client, imp = analysed
    response = run(client.post, reverse(URL, args=[w.etab_a.pk]), {
        "kind-1": "division", "key-1": key_of(imp, "division", "4A"), "label-1": "4A",
        "target-1": str(w.div_b_3a.pk)}, follow=True)
    assert "Rapprochement refusé" in response.content.decode()
    assert not Rapprochement.objects.exists()
    # A teacher of collège B is no teacher of collège A.
    run(client.post, reverse(URL, args=[w.etab_a.pk]), {
        "kind-1": "teacher", "key-1": "x|y", "label-1": "X Y", "target-1": str(w.teacher_b.pk)})
    assert not Rapprochement.objects.exists()
    # Nor is a deactivated one, though the choice list never offers them.
    from django.utils import timezone

    w.teacher_a.__class__.objects.filter(pk=w.teacher_a.pk).update(deactivated_at=timezone.now())
    run(client.post, reverse(URL, args=[w.etab_a.pk]), {
        "kind-1": "teacher", "key-1": "x|y", "label-1": "X Y", "target-1": str(w.teacher_a.pk)})
    assert not Rapprochement.objects.exists()


def test_rapprochements_without_a_pending_bilan_are_kept_for_the_next_import(college, login):
    w = college
    client = login(w.admin_etab_a)
    html = client.get(reverse(URL, args=[w.etab_a.pk])).content.decode()
    assert "Aucun bilan en attente" in html


def test_one_refused_choice_saves_none_of_the_form(analysed, run):
    w, client, imp = analysed
    run(client.post, reverse(URL, args=[w.etab_a.pk]), {
        "kind-1": "division", "key-1": key_of(imp, "division", "4A"), "label-1": "4A",
        "target-1": str(w.div_3a.pk),
        "kind-2": "division", "key-2": key_of(imp, "division", "4B"), "label-2": "4B",
        "target-2": str(w.div_b_3a.pk)})
    assert not Rapprochement.objects.exists()


def test_the_page_is_sent_compressed_to_browsers_that_accept_it(analysed):
    import gzip

    w, client, _ = analysed
    url = reverse(URL, args=[w.etab_a.pk])
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    html = gzip.decompress(response.content).decode()
    assert len(response.content) * 4 < len(html)
    assert f'<option value="{w.div_3a.pk}">3A</option>' in html
    plain = client.get(url)
    assert "Content-Encoding" not in plain and plain.content.decode().count("<select") > 1


def test_saved_without_a_pending_bilan_they_wait_for_the_next_import(college, login):
    w = college
    client = login(w.admin_etab_a)
    response = client.post(reverse(URL, args=[w.etab_a.pk]), {
        "kind-1": "division", "key-1": "4a", "label-1": "4A", "target-1": str(w.div_3a.pk)})
    assert response["Location"] == reverse(URL, args=[w.etab_a.pk])
    html = client.get(response["Location"]).content.decode()
    assert "ils serviront au prochain import" in html
    assert Rapprochement.objects.get().regroupement == w.div_3a


def test_a_change_analyses_again_the_latest_bilan_waiting_for_a_decision(analysed):
    from django.utils import timezone

    from imports import services

    w, _, imp = analysed
    # Its validation had been interrupted: analysed again, it is a new bilan to decide on.
    TimetableImport.objects.filter(pk=imp.pk).update(validation_interrupted_at=timezone.now())
    assert services.timetable_import_latest_reanalyse(etab=w.etab_b) is None
    assert services.timetable_import_latest_reanalyse(etab=w.etab_a).pk == imp.pk
    imp.refresh_from_db()
    assert imp.status == TimetableImport.Status.ANALYSE and imp.validation_interrupted_at is None
    assert services.timetable_import_latest_reanalyse(etab=w.etab_a) is None
