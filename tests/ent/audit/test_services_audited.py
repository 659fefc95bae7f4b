"""Each service that changes accounts, rights, blocks, settings or imports writes its event."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from annuaire import blocking, services
from annuaire.activation import services as activation_services
from annuaire.models import AafImport, LoginBlock, Person, Role
from annuaire.secretariat import services as secretariat_services
from ent.audit.models import AuditEvent
from ent.audit.services import audit_record
from imports import services as timetable_services
from imports.models import Rapprochement, TimetableImport
from tests.imports.test_timetable_import import START, _analyse, college  # noqa: F401


def only_event(action):
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1, [e.action for e in AuditEvent.objects.all()]
    return events[0]


def deactivate(person, days=50):
    person.deactivated_at = timezone.now() - timedelta(days=days)
    person.is_active = False
    person.save()
    return person


def test_an_unknown_action_is_refused(world):
    with pytest.raises(ValueError):
        audit_record(acting_user=world.principal_a, action="nimporte_quoi")


def test_suspend_and_reinstate(world):
    services.account_suspend(person=world.pupil_a, reason="Usurpation",
                             acting_user=world.principal_a)
    event = only_event("account_suspend")
    assert (event.actor, event.target, event.etablissement) == (
        world.principal_a, world.pupil_a, world.etab_a)
    assert event.details["reason"] == "Usurpation"
    assert event.details["levels"] == [world.etab_a.name]
    assert event.actor_label.startswith(world.principal_a.display_name)
    services.account_reinstate(person=world.pupil_a, acting_user=world.principal_a)
    event = only_event("account_reinstate")
    assert (event.actor, event.target, event.etablissement) == (
        world.principal_a, world.pupil_a, world.etab_a)


def test_an_academie_suspension_is_read_by_the_persons_establishment(world):
    services.account_suspend(person=world.pupil_b, reason="Fraude",
                             acting_user=world.academy_admin)
    event = only_event("account_suspend")
    assert event.etablissement == world.etab_b and event.details["levels"] == ["académie"]


def test_a_refused_suspension_writes_nothing(world):
    with pytest.raises(services.AccountStateError):
        services.account_suspend(person=world.pupil_b, reason="x", acting_user=world.principal_a)
    assert not AuditEvent.objects.exists()


def test_reactivate(world):
    deactivate(world.pupil_a3)
    services.account_reactivate(person=world.pupil_a3, acting_user=world.principal_a)
    event = only_event("account_reactivate")
    assert event.target == world.pupil_a3 and event.etablissement == world.etab_a


def test_purge_keeps_the_name_once_the_account_is_gone(world):
    pupil = deactivate(world.pupil_a3)
    label = pupil.display_name
    services.account_purge(person=pupil, acting_user=world.principal_a)
    assert not Person.objects.filter(pk=pupil.pk).exists()
    event = only_event("account_purge")
    assert event.target is None and label in event.target_label
    assert event.actor == world.principal_a and event.etablissement == world.etab_a


def test_an_actor_purged_later_stays_named(world):
    services.account_suspend(person=world.pupil_a, reason="x", acting_user=world.principal_a)
    deactivate(world.principal_a)
    name = world.principal_a.display_name
    services.account_purge(person=world.principal_a, acting_user=world.academy_admin)
    event = only_event("account_suspend")
    assert event.actor is None and name in event.actor_label


def test_nightly_purge_is_journaled_by_the_system_only_when_it_deletes(world, settings):
    settings.ENT_PURGE_DELAY_DAYS = 42
    services.accounts_purge(acting_user=None, origin="beat")
    assert not AuditEvent.objects.exists()
    deactivate(world.pupil_b)
    services.accounts_purge(acting_user=None, origin="beat")
    event = only_event("accounts_purge")
    assert event.actor is None and event.actor_label == "Système"
    assert event.details["total"] == 1 and event.etablissement is None


def test_rename(world):
    old = world.pupil_a.login
    services.person_login_rename(person=world.pupil_a, new_login="lea.dupont2",
                                 acting_user=world.principal_a)
    event = only_event("login_rename")
    assert event.details == {"old_login": old, "new_login": "lea.dupont2"}
    assert event.target == world.pupil_a and event.etablissement == world.etab_a


def test_login_block_create_update_delete(world):
    now = timezone.now()
    fields = {"target": LoginBlock.Target.PROFILE, "profile": "eleves",
              "starts_at": now, "ends_at": now + timedelta(hours=2), "message": "Examens"}
    block = blocking.login_block_create(acting_user=world.principal_a, etab=world.etab_a,
                                        **fields)
    event = only_event("login_block_create")
    assert event.etablissement == world.etab_a and event.actor == world.principal_a
    assert event.details["profile"] == "Tous les élèves" and event.details["message"] == "Examens"
    blocking.login_block_update(acting_user=world.principal_a, block=block,
                                **{**fields, "message": "Brevet blanc"})
    assert only_event("login_block_update").details["message"] == "Brevet blanc"
    blocking.login_block_delete(acting_user=world.principal_a, block=block)
    assert only_event("login_block_delete").etablissement == world.etab_a


def test_account_settings_change(world):
    activation_services.account_settings_update(
        etab=world.etab_a, charte="Charte 2026", vie_scolaire_reissues_codes=True,
        acting_user=world.principal_a)
    event = only_event("account_settings_update")
    assert event.etablissement == world.etab_a
    assert event.details["changes"] == {"charte": "modifiée",
                                        "la vie scolaire réimprime des codes": True}
    # Saving the same settings again is no change.
    activation_services.account_settings_update(
        etab=world.etab_a, charte="Charte 2026", vie_scolaire_reissues_codes=True,
        acting_user=world.principal_a)
    assert AuditEvent.objects.count() == 1


def test_secretariat_designation_and_rights(world):
    member = secretariat_services.secretariat_designate(
        etab=world.etab_a, person=world.agent_a, acting_user=world.principal_a)
    assert only_event("secretariat_designate").target == world.agent_a
    secretariat_services.secretariat_rights_update(
        etab=world.etab_a, imports_siecle=True, prints_letters=False,
        acting_user=world.principal_a)
    assert only_event("secretariat_rights_update").etablissement == world.etab_a
    secretariat_services.secretariat_withdraw(etab=world.etab_a, member_id=member.pk,
                                              acting_user=world.principal_a)
    assert only_event("secretariat_withdraw").target == world.agent_a


def test_role_grant_from_the_command_is_the_systems(world, capsys):
    call_command("grant_role", world.teacher_a.login, Role.Kind.ADMIN_ETAB, "--etab",
                 world.etab_a.uai)
    event = only_event("role_grant")
    assert event.actor is None and event.target == world.teacher_a
    assert event.etablissement == world.etab_a and event.details["role"]
    # Granted again: nothing new, nothing journaled.
    call_command("grant_role", world.teacher_a.login, Role.Kind.ADMIN_ETAB, "--etab",
                 world.etab_a.uai)
    assert AuditEvent.objects.count() == 1


def test_aaf_import_cancel_and_confirm(world, tmp_path):
    cancelled = AafImport.objects.create(paths=[str(tmp_path)],
                                         status=AafImport.Status.SIMULATED)
    services.aaf_import_cancel(aaf_import=cancelled, acting_user=world.academy_admin)
    event = only_event("aaf_import_cancel")
    assert event.actor == world.academy_admin and event.details["import"] == cancelled.pk
    confirmed = AafImport.objects.create(paths=[str(tmp_path)],
                                         status=AafImport.Status.SIMULATED)
    services.aaf_import_confirm(aaf_import=confirmed, acting_user=world.academy_admin,
                                enqueue=False)
    assert only_event("aaf_import_confirm").details["import"] == confirmed.pk


def test_timetable_cancel(world):
    imp = TimetableImport.objects.create(etablissement=world.etab_a,
                                         status=TimetableImport.Status.BILAN)
    timetable_services.timetable_import_cancel(imp=imp, acting_user=world.principal_a)
    event = only_event("timetable_import_cancel")
    assert event.etablissement == world.etab_a and event.actor == world.principal_a


@pytest.mark.django_db
def test_timetable_validation_in_a_worker_names_who_clicked(college):  # noqa: F811
    etab, _teacher, _division = college
    principal = Person.objects.create_user("principal.demo", "x", last_name="Principal")
    Role.objects.create(person=principal, etablissement=etab, role=Role.Kind.DIRECTION)
    imp = _analyse(etab)
    TimetableImport.objects.filter(pk=imp.pk).update(decided_by=principal)
    timetable_services.timetable_import_validate(imp=imp, acting_user=None, today=START)
    event = only_event("timetable_import_validate")
    assert event.actor == principal and event.etablissement == etab


def test_letters_and_rapprochements_are_journaled(world):
    activation_services.letter_batch_create(
        etab=world.etab_a, acting_user=world.principal_a,
        audience=activation_services.selectors.Audience.ELEVES)
    event = only_event("letter_batch_create")
    assert event.actor == world.principal_a and event.etablissement == world.etab_a
    assert event.details["comptes"] == event.etablissement.letter_batches.get().total
    timetable_services.rapprochements_save(
        etab=world.etab_a, acting_user=world.admin_etab_a,
        chosen=[("division", "3 a", "3 A", str(world.div_3a.pk))])
    assert only_event("rapprochements_save").details["noms"] == ["division 3 a"]
    link = Rapprochement.objects.get()
    timetable_services.rapprochement_delete(etab=world.etab_a, pk=link.pk,
                                            acting_user=world.principal_a)
    event = only_event("rapprochement_delete")
    assert event.actor == world.principal_a and not Rapprochement.objects.exists()
