"""The Services administration's changes are in the journal of actions, with who made them."""

import datetime

from django.urls import reverse
from django.utils import timezone

from ent.audit.models import AuditEvent
from ent.catalogue.models import AdminDelegation

from .conftest import PARENT


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_switching_a_service_off_is_journaled_once(world, login, save_services):
    client = login(world.principal_a)
    save_services(client, world.etab_a, off={("emploi_du_temps", PARENT)})
    [event] = _events("service_access_update")
    assert event.actor == world.principal_a and event.etablissement == world.etab_a
    assert event.details["changements"] == [f"emploi_du_temps / {PARENT} : non"]
    # Saving the same table again changes nothing and journals nothing.
    save_services(client, world.etab_a, off={("emploi_du_temps", PARENT)})
    assert len(_events("service_access_update")) == 1


def test_a_toggle_is_journaled(world, login, save_services):
    save_services(login(world.principal_a), world.etab_a, toggles={"annuaire.fiches_eleves"})
    [event] = _events("right_toggle_update")
    assert event.actor == world.principal_a and "annuaire.fiches_eleves : oui" in \
        event.details["changements"]


def test_delegation_and_publication_are_journaled(world, login):
    client = login(world.principal_a)
    today = timezone.localdate()
    client.post(reverse("catalogue:responsibilities", args=[world.etab_a.pk]), {
        "login": world.teacher_b.login, "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=30)).isoformat(), "motif": "DANE"})
    [granted] = _events("delegation_grant")
    assert granted.target == world.teacher_b and granted.details["motif"] == "DANE"
    delegation = AdminDelegation.objects.get()
    client.post(reverse("catalogue:delegation_end", args=[world.etab_a.pk, delegation.pk]))
    [ended] = _events("delegation_revoke")
    assert ended.actor == world.principal_a and ended.target == world.teacher_b
