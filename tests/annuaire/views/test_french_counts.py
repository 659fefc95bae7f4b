"""Counts on the directory's pages follow the French rule: 0 and 1 take the singular."""

from django.template.loader import render_to_string
from django.urls import reverse

from annuaire.models import LetterBatch, Person
from tests.factories import two_people_parent


def test_empty_account_lists_say_0_in_the_singular(world, login):
    client = login(world.academy_admin)
    page = client.get(reverse("annuaire:deactivated_accounts")).content.decode()
    assert "0 compte désactivé</p>" in page
    page = client.get(reverse("annuaire:suspended_accounts")).content.decode()
    assert "0 compte suspendu</p>" in page


def test_purge_delay_of_one_day_is_singular(world, login, settings):
    settings.ENT_PURGE_DELAY_DAYS = 1
    page = login(world.academy_admin).get(reverse("annuaire:deactivated_accounts")).content.decode()
    assert "supprimées 1 jour après la désactivation" in page


def test_directory_counts_people_in_the_singular_below_two(world, login):
    client = login(world.principal_a)
    page = client.get(reverse("annuaire:directory"), {"q": "personne introuvable"}).content.decode()
    assert '<p role="status">0 personne</p>' in page
    page = client.get(reverse("annuaire:directory"), {"q": world.pupil_a3.last_name + " "
                                                      + world.pupil_a3.first_name})
    assert '<p role="status">1 personne</p>' in page.content.decode()


def test_one_responsable_is_not_written_in_the_plural(world, login):
    page = login(world.principal_b).get(
        reverse("annuaire:person", args=[world.pupil_b.pk])).content.decode()
    assert "<dt>Responsable</dt>" in page and "<dt>Responsables</dt>" not in page
    page = login(world.principal_a).get(
        reverse("annuaire:person", args=[world.pupil_a.pk])).content.decode()
    assert "<dt>Responsables</dt>" in page


def test_email_batch_with_nothing_sent_says_0_courriel(world, login):
    batch = LetterBatch.objects.create(
        etablissement=world.etab_a, created_by=world.principal_a, scope="3A",
        channel=LetterBatch.Channel.EMAIL, status=LetterBatch.Status.PRET, total=1, done=0)
    page = login(world.principal_a).get(
        reverse("annuaire:letter_batch", args=[world.etab_a.pk, batch.pk])).content.decode()
    assert "0 courriel envoyé." in page


def test_one_flagged_account_is_told_in_the_singular(world, login):
    Person.objects.update(activated_at=None)
    two_people_parent(etab=world.etab_a, child=world.pupil_a2, activated_at=None)
    response = login(world.principal_a).post(
        reverse("annuaire:letters", args=[world.etab_a.pk]),
        {"audience": "parents", "division": world.div_3a.pk, "per_page": 1,
         "only_not_activated": "on", "channel": "pdf"})
    page = response.content.decode()
    assert ("1 compte à imprimer vient d&#x27;une fiche à corriger dans SIECLE" in page
            or "1 compte à imprimer vient d'une fiche à corriger dans SIECLE" in page)
    assert "Son identifiant risque" in page


def test_controls_beyond_200_say_how_many_others_in_french():
    items = [{"pk": n, "name": f"Élève {n}", "detail": "sans INE"} for n in range(1, 202)]
    control = {"code": "sans_ine", "title": "Élèves sans INE", "fix": "Saisir l'INE.",
               "items": items}
    page = render_to_string("annuaire/letters/controls.html",
                            {"controls": [control], "etab": {"name": "X", "pk": 1}})
    assert "… et 1 autre.</p>" in page
    page = render_to_string("annuaire/letters/controls.html", {
        "controls": [{**control, "items": items + [{"pk": 999, "name": "Y", "detail": ""}]}],
        "etab": {"name": "X", "pk": 1}})
    assert "… et 2 autres.</p>" in page

