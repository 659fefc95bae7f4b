"""Writes of the secretariat page: designations and the rights the principal withdraws."""

from django.db import transaction

from ent.audit.services import audit_record

from ..models import Etablissement, Person, SecretariatMember, SecretariatSettings


@transaction.atomic
def secretariat_designate(*, etab: Etablissement, person: Person, acting_user: Person,
                          ) -> SecretariatMember:
    member, created = SecretariatMember.objects.get_or_create(
        etablissement=etab, person=person, defaults={"designated_by": acting_user})
    if created:
        audit_record(acting_user=acting_user, action="secretariat_designate", target=person,
                     etab=etab)
    return member


@transaction.atomic
def secretariat_withdraw(*, etab: Etablissement, member_id: int | str, acting_user: Person,
                         ) -> Person | None:
    """End a designation; returns the person it named, or None if there was none."""
    member = SecretariatMember.objects.filter(etablissement=etab, pk=member_id).select_related(
        "person").first()
    if member is None:
        return None
    member.delete()
    audit_record(acting_user=acting_user, action="secretariat_withdraw", target=member.person,
                 etab=etab)
    return member.person


@transaction.atomic
def secretariat_rights_update(*, etab: Etablissement, imports_siecle: bool, prints_letters: bool,
                              acting_user: Person) -> SecretariatSettings:
    found, _ = SecretariatSettings.objects.select_for_update().get_or_create(etablissement=etab)
    changes = {label: new for label, old, new in (
        ("imports SIECLE", found.imports_siecle, imports_siecle),
        ("impression des fiches", found.prints_letters, prints_letters)) if old != new}
    found.imports_siecle = imports_siecle
    found.prints_letters = prints_letters
    found.save()
    if changes:
        audit_record(acting_user=acting_user, action="secretariat_rights_update", etab=etab,
                     details={"changes": changes})
    return found
