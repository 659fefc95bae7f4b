from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from annuaire.models import Person, PurgeRun
from tests.factories import PASSWORD

LIST = reverse("annuaire:deactivated_accounts")


def deactivate(person, days=3):
    person.deactivated_at = timezone.now() - timedelta(days=days)
    person.is_active = False
    person.save()
    return person


@pytest.fixture
def gone(world, settings):
    settings.ENT_PURGE_DELAY_DAYS = 42
    deactivate(world.pupil_a3, days=10)
    deactivate(world.pupil_b, days=50)
    return world


def test_the_academie_lists_every_deactivated_account_with_its_purge_date(gone, login):
    client = login(gone.academy_admin)
    text = client.get(LIST).content.decode()
    assert "2 comptes désactivés" in text
    assert gone.pupil_a3.display_name in text and gone.pupil_b.display_name in text
    purge_on = timezone.localtime(gone.pupil_a3.deactivated_at + timedelta(days=42))
    from django.utils import formats

    assert formats.date_format(purge_on, "j F Y") in text
    assert "Historique des purges" in text
    filtered = client.get(LIST, {"etab": gone.etab_b.pk}).content.decode()
    assert "1 compte désactivé" in filtered and gone.pupil_a3.display_name not in filtered


def test_a_principal_sees_their_establishment_only(gone, login):
    client = login(gone.principal_a)
    text = client.get(LIST).content.decode()
    assert "1 compte désactivé" in text and gone.pupil_b.display_name not in text
    assert "Historique des purges" not in text
    assert client.get(LIST, {"etab": gone.etab_b.pk}).status_code == 404


@pytest.mark.parametrize("who", ["principal_a", "admin_etab_a", "academy_admin"])
def test_reactivate_gives_the_same_account_back(gone, login, client, who):
    admin = login(getattr(gone, who))
    response = admin.post(reverse("annuaire:person_reactivate", args=[gone.pupil_a3.pk]),
                          {"next": LIST}, follow=True)
    assert "réactivé" in response.content.decode()
    assert ("Aucun compte désactivé" in response.content.decode()) is (who != "academy_admin")
    gone.pupil_a3.refresh_from_db()
    assert gone.pupil_a3.deactivated_at is None and gone.pupil_a3.is_active
    admin.logout()
    login_response = client.post(reverse("account_login"),
                                 {"login": gone.pupil_a3.login, "password": PASSWORD})
    assert login_response.status_code == 302


@pytest.mark.parametrize("who", ["principal_a", "academy_admin"])
def test_purge_one_account_now_after_confirmation(gone, login, who):
    client = login(getattr(gone, who))
    url = reverse("annuaire:person_purge", args=[gone.pupil_a3.pk])
    assert "Purger définitivement" in client.get(url).content.decode()
    assert Person.objects.filter(pk=gone.pupil_a3.pk).exists()
    response = client.post(url, follow=True)
    assert "purgé" in response.content.decode()
    assert not Person.objects.filter(pk=gone.pupil_a3.pk).exists()
    run = PurgeRun.objects.get()
    assert run.total == 1 and run.triggered_by == getattr(gone, who)


def test_an_active_account_has_no_purge_page(world, login):
    client = login(world.academy_admin)
    assert client.get(reverse("annuaire:person_purge", args=[world.pupil_a.pk])).status_code == 404
    assert client.post(reverse("annuaire:person_purge", args=[world.pupil_a.pk])).status_code == 404
    assert Person.objects.filter(pk=world.pupil_a.pk).exists()


def test_the_card_offers_reactivation_and_purge(gone, login):
    text = login(gone.principal_a).get(
        reverse("annuaire:person", args=[gone.pupil_a3.pk])).content.decode()
    assert "Réactiver le compte" in text and "Purger maintenant" in text
    assert "Ses données seront purgées le" in text


@pytest.mark.parametrize("who", ["principal_b", "teacher_a", "cpe_a", "doc_a", "agent_a",
                                 "parent_a", "pupil_a", "teacher_b", "parent_b"])
def test_others_are_refused(gone, login, who):
    client = login(getattr(gone, who))
    if who != "principal_b":
        assert client.get(LIST).status_code == 404
    target = gone.pupil_a3
    assert client.post(reverse("annuaire:person_reactivate", args=[target.pk])).status_code == 404
    assert client.get(reverse("annuaire:person_purge", args=[target.pk])).status_code == 404
    assert client.post(reverse("annuaire:person_purge", args=[target.pk])).status_code == 404
    target.refresh_from_db()
    assert target.deactivated_at is not None
    assert not PurgeRun.objects.exists()


def test_purge_of_all_due_stays_with_the_academie(gone, login):
    assert login(gone.principal_a).post(reverse("annuaire:purge_now")).status_code == 404
    response = login(gone.academy_admin).post(reverse("annuaire:purge_now"), follow=True)
    assert "1 compte supprimé" in response.content.decode()
    assert not Person.objects.filter(pk=gone.pupil_b.pk).exists()
    assert Person.objects.filter(pk=gone.pupil_a3.pk).exists()


def test_a_deactivated_person_is_told_so_at_login_and_loses_their_session(world, login, client):
    pupil_client = login(world.pupil_a)
    assert pupil_client.get(reverse("home")).status_code == 200
    deactivate(world.pupil_a)
    assert pupil_client.get(reverse("home"))["Location"] == reverse("account_login")
    response = client.post(reverse("account_login"),
                           {"login": world.pupil_a.login, "password": PASSWORD})
    assert "Votre compte est désactivé" in response.content.decode()


def test_the_list_cost_does_not_grow_with_the_page(world, login, django_assert_max_num_queries):
    from tests.factories import PersonFactory, RoleFactory

    for _ in range(30):
        person = PersonFactory(deactivated_at=timezone.now(), is_active=False)
        RoleFactory(person=person, etablissement=world.etab_a)
    client = login(world.principal_a)
    client.get(LIST)
    with django_assert_max_num_queries(9):
        response = client.get(LIST, {"page": 2})
    assert "Page 2 sur 2" in response.content.decode()


def test_a_principal_cannot_revive_or_purge_an_academie_administrator(world, login):
    from django.utils import timezone

    from tests.factories import RoleFactory

    RoleFactory(person=world.academy_admin, etablissement=world.etab_a, role="enseignant")
    Person.objects.filter(pk=world.academy_admin.pk).update(deactivated_at=timezone.now())
    client = login(world.principal_a)
    pk = world.academy_admin.pk
    assert client.post(reverse("annuaire:person_reactivate", args=[pk])).status_code == 404
    assert client.get(reverse("annuaire:person_purge", args=[pk])).status_code == 404
    assert client.post(reverse("annuaire:person_purge", args=[pk])).status_code == 404
    world.academy_admin.refresh_from_db()
    assert world.academy_admin.deactivated_at is not None


def test_accounts_deactivated_together_are_listed_in_french_name_order(world, login):
    """The folded name, not the database's byte order: « Baron » before « BLANC »,
    « d'Aubigné » among the D."""
    from annuaire.models import Role
    from tests.factories import PersonFactory, RoleFactory

    when = timezone.now() - timedelta(days=3)
    for last_name in ["Zola", "d'Aubigné", "BLANC", "Baron", "Étienne"]:
        person = PersonFactory(first_name="Xavier", last_name=last_name, deactivated_at=when,
                               is_active=False)
        RoleFactory(person=person, etablissement=world.etab_a, role=Role.Kind.ELEVE)
    page = login(world.academy_admin).get(LIST).context["page"]
    assert [p.last_name for p in page.object_list] == [
        "Baron", "BLANC", "d'Aubigné", "Étienne", "Zola"]
