"""Writes of the secretariat page: designations and the rights the principal withdraws."""

from django.db import transaction

from ..models import SecretariatMember, SecretariatSettings


def secretariat_designate(*, etab, person, actor):
    member, _ = SecretariatMember.objects.get_or_create(
        etablissement=etab, person=person, defaults={"designated_by": actor})
    return member


def secretariat_withdraw(*, etab, member_id):
    """End a designation; returns the person it named, or None if there was none."""
    member = SecretariatMember.objects.filter(etablissement=etab, pk=member_id).select_related(
        "person").first()
    if member is None:
        return None
    member.delete()
    return member.person


@transaction.atomic
def secretariat_rights_update(*, etab, imports_siecle, prints_letters):
    found, _ = SecretariatSettings.objects.select_for_update().get_or_create(etablissement=etab)
    found.imports_siecle = imports_siecle
    found.prints_letters = prints_letters
    found.save()
    return found
