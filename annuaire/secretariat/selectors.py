"""Reads of the secretariat page: who the secretariat is, whom the principal may designate."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from ent import rights
from ent.errors import NotFound

from ..models import (
    Etablissement,
    Fonction,
    Person,
    Role,
    SecretariatMember,
    SecretariatSettings,
)


def secretariat_etab_get(*, viewer, etab_id):
    """An establishment whose secretariat the viewer manages; 404 otherwise."""
    etab = Etablissement.objects.filter(rights.administered_etabs_q(viewer)).filter(
        pk=etab_id).first()
    if etab is None or not rights.can_manage_secretariat(viewer, etab):
        raise NotFound("Établissement inconnu")
    return etab


def secretariat_settings_of(*, etab):
    """The secretariat's rights in ``etab``: both granted until the principal withdraws one."""
    return (SecretariatSettings.objects.filter(etablissement=etab).first()
            or SecretariatSettings(etablissement=etab))


def _personnel_of(etab):
    return Person.objects.filter(
        Exists(Role.objects.filter(person=OuterRef("pk"), etablissement=etab,
                                   role=Role.Kind.PERSONNEL)),
        deactivated_at__isnull=True)


@dataclass
class SecretariatOverview:
    by_function: list  # people, from the feed
    designated: list  # SecretariatMember rows
    candidates: list  # people the principal may designate
    settings: SecretariatSettings


def secretariat_overview(*, etab):
    by_function = list(_personnel_of(etab).filter(Exists(Fonction.objects.filter(
        person=OuterRef("pk"), etablissement=etab,
        code__in=rights.SECRETARIAT_FUNCTIONS))).order_by(*Person.NAME_ORDER))
    designated = list(SecretariatMember.objects.filter(etablissement=etab).select_related(
        "person", "designated_by").order_by("person__search_name"))
    taken = {p.pk for p in by_function} | {m.person_id for m in designated}
    candidates = [p for p in _personnel_of(etab).order_by(*Person.NAME_ORDER)
                  if p.pk not in taken]
    return SecretariatOverview(by_function=by_function, designated=designated,
                               candidates=candidates,
                               settings=secretariat_settings_of(etab=etab))


def secretariat_candidate_get(*, etab, person_id):
    """A member of ``etab``'s personnel the principal may designate; 404 otherwise."""
    person = _personnel_of(etab).filter(pk=person_id).first()
    if person is None:
        raise NotFound("Personne introuvable")
    return person
