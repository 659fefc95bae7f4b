import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD

LOGIN = reverse("account_login")


def test_login_and_logout(world, client):
    response = client.post(LOGIN, {"login": world.teacher_a.login, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_is_refused_in_french(world, client):
    response = client.post(LOGIN, {"login": world.teacher_a.login, "password": "nope"})
    assert response.status_code == 200
    assert "incorrect" in response.content.decode()


def test_deactivated_account_cannot_log_in(world, client):
    world.pupil_a.deactivated_at = timezone.now()
    world.pupil_a.is_active = False
    world.pupil_a.save()
    response = client.post(LOGIN, {"login": world.pupil_a.login, "password": PASSWORD})
    assert client.get(reverse("home")).status_code == 302
    assert response.status_code != 302 or response["Location"] != reverse("home")


def test_login_page_has_labelled_fields(client, db):
    text = client.get(LOGIN).content.decode()
    assert '<label for="id_login">Identifiant</label>' in text
    assert '<label for="id_password">Mot de passe</label>' in text


def test_login_typed_in_capitals_finds_the_account_by_equality(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.post(LOGIN, {"login": world.teacher_a.login.upper(),
                                       "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    lookups = [q["sql"] for q in queries.captured_queries
               if 'FROM "annuaire_person"' in q["sql"] and '"login"' in q["sql"]]
    assert lookups, "no login lookup captured"
    # UPPER("login") cannot use the login's unique index: at an académie's size, a scan.
    assert not any("UPPER(" in sql.upper() for sql in lookups)


def test_logins_are_saved_in_lower_case(db):
    from annuaire.models import Person

    person = Person.objects.create_user("Jean.DUPONT", None, last_name="Dupont")
    person.refresh_from_db()
    assert (person.login, person.login_base) == ("jean.dupont", "jean.dupont")
    person.login = "Jean.Dupont2"
    person.save(update_fields=["login"])
    person.refresh_from_db()
    assert (person.login, person.login_base) == ("jean.dupont2", "jean.dupont")


def test_database_refuses_a_login_with_capitals(db):
    from django.db import IntegrityError, transaction

    from annuaire.models import Person
    from tests.factories import PersonFactory

    person = PersonFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=person.pk).update(login="Majuscules")
