"""Announcements of login blocks (issue 13, item 14): an establishment's show with its name
and only where it applies (its login page, its members' home page), at most three per
establishment; only the académie's reach every user of the académie."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from annuaire import blocking
from annuaire.models import LoginBlock

LOGIN = reverse("account_login")
P = LoginBlock.BlockedProfile
HEADING = "Connexions fermées en ce moment"


def announce(viewer, etab, message, profile=P.ELEVES, **kwargs):
    now = timezone.now()
    return blocking.login_block_create(
        acting_user=viewer, etab=etab, target=LoginBlock.Target.PROFILE, profile=profile,
        starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=2), message=message,
        **kwargs)


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_an_establishment_s_notice_shows_only_where_it_applies(world, client, login):
    announce(world.principal_a, world.etab_a, "Venez sur http://pirate.example")
    assert "pirate.example" not in client.get(LOGIN).content.decode()
    assert "pirate.example" not in client.get(LOGIN, {"etab": world.etab_b.uai}).content.decode()
    assert "pirate.example" not in client.get(LOGIN, {"etab": "nimporte\x00"}).content.decode()
    own = client.get(LOGIN, {"etab": world.etab_a.uai.lower()}).content.decode()
    assert HEADING in own and world.etab_a.name in own and "pirate.example" in own
    # The form keeps the establishment: a wrong password does not hide its notices.
    assert f'{LOGIN}?etab={world.etab_a.uai.lower()}" novalidate' in own
    # After login: its members read it on their home page, the other collège's do not.
    home = login(world.teacher_a).get(reverse("home")).content.decode()
    assert world.etab_a.name in home and "pirate.example" in home
    assert "pirate.example" not in login(world.teacher_b).get(reverse("home")).content.decode()
    assert "pirate.example" not in login(world.parent_b).get(reverse("home")).content.decode()


def test_the_academie_s_notices_show_to_everyone_with_their_establishment(world, client, login):
    announce(world.academy_admin, world.etab_a, "Conseils de classe", profile=P.PARENTS)
    text = client.get(LOGIN).content.decode()
    assert HEADING in text and "Conseils de classe" in text
    assert world.etab_a.name in text and "décision de l'académie" in text
    assert "Conseils de classe" in login(world.teacher_b).get(reverse("home")).content.decode()


def test_three_notices_per_establishment(world, login):
    for n in range(blocking.ANNOUNCES_PER_ETAB):
        announce(world.principal_a, world.etab_a, f"Annonce {n}")
    with pytest.raises(blocking.BlockError, match="déjà 3 messages"):
        announce(world.admin_etab_a, world.etab_a, "Une de trop")
    # Without the announcement, the block itself is fine; the other collège has its own three.
    announce(world.principal_a, world.etab_a, "Discret", announce=False)
    announce(world.principal_b, world.etab_b, "Annonce B")
    # The form says so in French and saves nothing.
    now = timezone.now()
    response = login(world.principal_a).post(
        reverse("annuaire:blocks_etab", args=[world.etab_a.pk]),
        {"target": "profil", "profile": P.PARENTS, "regroupement": "",
         "starts_at": local(now - timedelta(hours=1)), "ends_at": local(now + timedelta(hours=2)),
         "message": "Encore une", "announce": "on"})
    assert "déjà 3 messages affichés" in response.content.decode().replace("&#x27;", "'")
    assert not LoginBlock.objects.filter(message="Encore une").exists()
    # Editing one of the three keeps it within the limit.
    block = LoginBlock.objects.get(message="Annonce 0")
    blocking.login_block_update(acting_user=world.principal_a, block=block,
                                target=block.target, profile=block.profile,
                                starts_at=block.starts_at, ends_at=block.ends_at,
                                message="Annonce 0 corrigée", announce=True)
    shown = blocking.login_announcements(etab_ids={world.etab_a.pk, world.etab_b.pk})
    assert sorted(b.message for b in shown) == ["Annonce 0 corrigée", "Annonce 1", "Annonce 2",
                                                "Annonce B"]


def test_a_principal_s_edit_of_an_academie_notice_makes_it_the_establishment_s(world, client):
    block = announce(world.academy_admin, world.etab_a, "Examens")
    assert "Examens" in client.get(LOGIN).content.decode()
    blocking.login_block_update(acting_user=world.principal_a, block=block, target=block.target,
                                profile=block.profile, starts_at=block.starts_at,
                                ends_at=block.ends_at, message="Examens blancs", announce=True)
    assert "Examens blancs" not in client.get(LOGIN).content.decode()


def test_the_home_page_s_announcements_cost_no_query(world, login):
    client = login(world.teacher_a)
    client.get(reverse("home"))
    announce(world.principal_b, world.etab_b, "Autre collège")
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("home"))
    announce(world.principal_a, world.etab_a, "Examens")
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as after:
        assert "Examens" in client.get(reverse("home")).content.decode()
    assert len(after) <= len(before)
