"""Writes of the secretariat page: designations and the rights the principal withdraws."""

from django.db import transaction

from ..models import Etablissement, Person, SecretariatMember, SecretariatSettings


def secretariat_designate(*, etab: Etablissement, person: Person, actor: Person,
                          ) -> SecretariatMember:
    member, _ = SecretariatMember.objects.get_or_create(
        etablissement=etab, person=person, defaults={"designated_by": actor})
    return member


def secretariat_withdraw(*, etab: Etablissement, member_id: int | str) -> Person | None:
    """End a designation; returns the person it named, or None if there was none."""
    member = SecretariatMember.objects.filter(etablissement=etab, pk=member_id).select_related(
        "person").first()
    if member is None:
        return None
    member.delete()
    return member.person


@transaction.atomic
def secretariat_rights_update(*, etab: Etablissement, imports_siecle: bool, prints_letters: bool,
                              ) -> SecretariatSettings:
    found, _ = SecretariatSettings.objects.select_for_update().get_or_create(etablissement=etab)
    found.imports_siecle = imports_siecle
    found.prints_letters = prints_letters
    found.save()
    return found
