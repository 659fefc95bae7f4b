from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

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
    assert "1 compte(s) supprimé(s)" in response.content.decode()
    assert not Person.objects.filter(pk=world.pupil_a3.pk).exists()
    assert Person.objects.filter(pk=world.pupil_a2.pk).exists()
    run = PurgeRun.objects.get()
    assert run.total == 1 and run.counts == {"Eleve": 1} and run.triggered_by == world.academy_admin
