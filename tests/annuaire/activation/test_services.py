import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from annuaire.activation import services
from annuaire.models import ActivationCode, CharteAcceptance, EtabAccountSettings, Person

pytestmark = pytest.mark.django_db


def _fresh(person):
    Person.objects.filter(pk=person.pk).update(activated_at=None)
    person.refresh_from_db()
    return person


def test_a_new_code_makes_the_old_one_invalid(world):
    pupil = _fresh(world.pupil_a)
    old, _ = services.codes_issue(persons=[pupil])
    new, expires = services.codes_issue(persons=[pupil], acting_user=world.principal_a)
    assert ActivationCode.objects.filter(person=pupil).count() == 1
    with pytest.raises(services.ActivationError, match="incorrect"):
        services.activation_check(login=pupil.login, code=old[pupil.pk])
    assert services.activation_check(login=pupil.login.upper(), code=new[pupil.pk]) == pupil
    stored = ActivationCode.objects.get(person=pupil)
    assert new[pupil.pk] not in stored.digest and stored.issued_by == world.principal_a
    assert stored.expires_at == expires


def test_wrong_login_and_wrong_code_say_the_same(world):
    pupil = _fresh(world.pupil_a)
    services.codes_issue(persons=[pupil])
    messages = set()
    for login, code in (("inconnu.personne", "ABCDEFGHJK"), (pupil.login, "ABCDEFGHJK")):
        with pytest.raises(services.ActivationError) as exc:
            services.activation_check(login=login, code=code)
        messages.add(str(exc.value))
    assert messages == {"Identifiant ou code d'activation incorrect."}


def test_expired_code_is_refused_with_its_date(world):
    pupil = _fresh(world.pupil_a)
    codes, expires = services.codes_issue(persons=[pupil])
    later = expires + datetime.timedelta(minutes=1)
    with pytest.raises(services.ActivationError, match="expiré"):
        services.activation_check(login=pupil.login, code=codes[pupil.pk], now=later)


def test_activation_sets_password_charte_and_email_to_confirm(world, rf):
    EtabAccountSettings.objects.create(etablissement=world.etab_a, charte="Respecter autrui.")
    parent = _fresh(world.parent_a)
    codes, _ = services.codes_issue(persons=[parent])
    checked = services.activation_check(login=parent.login, code=codes[parent.pk])
    request = rf.post("/")
    request.session = {}
    services.account_activate(person=checked, digest=checked.activation_code.digest,
                              password="Un-mot-de-passe-solide-7", email="Sophie@Example.org",
                              request=request)
    parent.refresh_from_db()
    assert parent.activated_at and parent.check_password("Un-mot-de-passe-solide-7")
    assert CharteAcceptance.objects.filter(person=parent, etablissement=world.etab_a).exists()
    address = EmailAddress.objects.get(user=parent)
    assert address.email == "sophie@example.org" and not address.verified
    assert len(mail.outbox) == 1 and "sophie@example.org" in mail.outbox[0].to
    with pytest.raises(services.ActivationError, match="déjà activé"):
        services.activation_check(login=parent.login, code=codes[parent.pk])


def test_a_code_cannot_be_used_twice_nor_after_reissue(world):
    pupil = _fresh(world.pupil_a)
    codes, _ = services.codes_issue(persons=[pupil])
    digest = services.activation_check(login=pupil.login, code=codes[pupil.pk]).activation_code.digest
    services.codes_issue(persons=[pupil])
    with pytest.raises(services.ActivationError, match="plus valable"):
        services.account_activate(person=pupil, digest=digest,
                                  password="Un-mot-de-passe-solide-7")
    pupil.refresh_from_db()
    assert pupil.activated_at is None


def test_reset_for_code_closes_the_old_password(world):
    teacher = world.teacher_a
    teacher.set_password("ancien-mot-de-passe-42")
    teacher.save()
    services.account_reset_for_code(person=teacher)
    teacher.refresh_from_db()
    assert teacher.activated_at is None and not teacher.has_usable_password()


def test_suspended_account_cannot_activate(world):
    pupil = _fresh(world.pupil_a)
    codes, _ = services.codes_issue(persons=[pupil])
    Person.objects.filter(pk=pupil.pk).update(suspended_at=timezone.now())
    with pytest.raises(services.ActivationError, match="pas ouvert"):
        services.activation_check(login=pupil.login, code=codes[pupil.pk])
