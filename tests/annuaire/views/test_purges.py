import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from annuaire.models import Person, PurgeRun


@pytest.mark.parametrize("who", ["principal_a", "admin_etab_a", "teacher_a", "pupil_a", "parent_a"])
def test_purge_pages_are_404_for_non_admins(world, login, who):
    client = login(getattr(world, who))
    assert client.get(reverse("annuaire:purges")).status_code == 404
    assert client.post(reverse("annuaire:purge_now")).status_code == 404
    assert not PurgeRun.objects.exists()


def test_admin_purges_now(world, login, settings):
    settings.ENT_PURGE_DELAY_DAYS = 42
    world.pupil_a3.deactivated_at = timezone.now() - timedelta(days=43)
    world.pupil_a3.save()
    world.pupil_a2.deactivated_at = timezone.now() - timedelta(days=3)
    world.pupil_a2.save()
    client = login(world.academy_admin)
    assert "2 comptes désactivés" in client.get(reverse("annuaire:purges")).content.decode()
    response = client.post(reverse("annuaire:purge_now"), follow=True)
    assert "1 compte supprimé" in response.content.decode()
    assert not Person.objects.filter(pk=world.pupil_a3.pk).exists()
    assert Person.objects.filter(pk=world.pupil_a2.pk).exists()
    run = PurgeRun.objects.get()
    assert run.total == 1 and run.counts == {"Eleve": 1} and run.triggered_by == world.academy_admin


def test_nothing_due_shows_a_sentence_instead_of_the_button(world, login, settings):
    settings.ENT_PURGE_DELAY_DAYS = 42
    world.pupil_a2.deactivated_at = timezone.now() - timedelta(days=3)
    world.pupil_a2.save()
    page = login(world.academy_admin).get(reverse("annuaire:purges")).content.decode()
    assert "1 compte désactivé (sortis" in page
    assert "Rien à purger pour le moment : aucun compte n'est désactivé depuis plus de 42 jours." in page
    due_on = timezone.localtime(world.pupil_a2.deactivated_at + timedelta(days=42)).date()
    assert f"Prochaine échéance le {formats.date_format(due_on, 'j F Y')}." in page
    assert reverse("annuaire:purge_now") not in page and "Purger maintenant" not in page


def test_no_deactivated_account_is_counted_in_the_singular(world, login):
    page = login(world.academy_admin).get(reverse("annuaire:purges")).content.decode()
    assert "0 compte désactivé (sortis" in page and "0 comptes" not in page
    assert "Rien à purger pour le moment" in page and "Prochaine échéance" not in page


def test_posting_a_purge_with_nothing_due_purges_nothing_and_says_so(world, login, settings):
    settings.ENT_PURGE_DELAY_DAYS = 42
    world.pupil_a2.deactivated_at = timezone.now() - timedelta(days=3)
    world.pupil_a2.save()
    response = login(world.academy_admin).post(reverse("annuaire:purge_now"), follow=True)
    assert response.status_code == 200
    assert ("Aucun compte à purger : aucun compte n'est désactivé depuis plus de 42 jours."
            in html.unescape(response.content.decode()))
    assert not PurgeRun.objects.exists()
    assert Person.objects.filter(pk=world.pupil_a2.pk).exists()


def test_due_accounts_are_counted_on_the_button(world, login, settings):
    settings.ENT_PURGE_DELAY_DAYS = 1
    for pupil in (world.pupil_a2, world.pupil_a3):
        pupil.deactivated_at = timezone.now() - timedelta(days=2)
        pupil.save()
    page = login(world.academy_admin).get(reverse("annuaire:purges")).content.decode()
    assert "2 comptes sont désactivés depuis plus de 1 jour" in page
    assert "Purger maintenant les comptes désactivés depuis plus de 1 jour</button>" in page


def test_purge_history_speaks_french(world, login, settings):
    settings.ENT_PURGE_DELAY_DAYS = 42
    world.pupil_a3.deactivated_at = timezone.now() - timedelta(days=43)
    world.pupil_a3.save()
    client = login(world.academy_admin)
    client.post(reverse("annuaire:purge_now"))
    PurgeRun.objects.create(delay_days=42, cutoff=timezone.now(), origin="beat")
    page = client.get(reverse("annuaire:purges")).content.decode()
    assert "<td>Élèves : 1</td>" in page and "Eleve" not in page
    assert f"Manuelle ({world.academy_admin.display_name})" in page
    assert "Automatique (chaque nuit)" in page and ">beat<" not in page
