"""The URL sweep's world: ``tests.conftest.World`` (two collèges, one person of every role) plus
one object of each kind a URL names (an AAF import, a SIECLE run, a letter batch, a login
block, a deactivated pupil, a timetable import and its rapprochement, a course, a notification).

Every object belongs to collège A, so that the other collège's principal is the outsider.
A URL whose object is missing here gets one more attribute below; the table reads it through
its ``kwargs`` lambda.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from annuaire.models import (
    AafImport,
    LetterBatch,
    LoginBlock,
    Population,
    Profile,
    Role,
    SiecleImport,
)
from ent.catalogue.models import AdminDelegation
from ent.notifications.models import Notification
from imports.models import Rapprochement, TimetableImport
from tests.conftest import World, build_world
from tests.factories import PersonFactory, RoleFactory
from viescolaire.appel.models import Absence
from viescolaire.models import Cours, Seance

#: The sweep's roles, each a person of ``World`` (None: not logged in).
ROLE_PEOPLE: dict[str, str | None] = {
    "anonymous": None,
    "pupil": "pupil_a",
    "parent": "parent_a",
    "teacher": "teacher_a",
    "cpe": "cpe_a",
    "principal": "principal_a",
    "admin_etab": "admin_etab_a",
    "other_principal": "principal_b",
    "academy": "academy_admin",
}


def build_sweep_world() -> World:
    w = build_world()
    now = timezone.now()
    w.deactivated = PersonFactory(population=Population.ELEVE, profile=Profile.ELEVE,
                                  first_name="Tom", last_name="Parti", deactivated_at=now)
    RoleFactory(person=w.deactivated, etablissement=w.etab_a, role=Role.Kind.ELEVE)
    w.aaf_import = AafImport.objects.create(status=AafImport.Status.SIMULATED,
                                            created_by=w.academy_admin)
    w.siecle_import = SiecleImport.objects.create(
        etablissement=w.etab_a, status=SiecleImport.Status.APPLIED, created_by=w.principal_a)
    w.letter_batch = LetterBatch.objects.create(
        etablissement=w.etab_a, created_by=w.principal_a, scope="3A",
        channel=LetterBatch.Channel.EMAIL, status=LetterBatch.Status.PRET, total=1, done=1)
    w.block = LoginBlock.objects.create(
        etablissement=w.etab_a, target=LoginBlock.Target.PROFILE,
        profile=LoginBlock.BlockedProfile.ELEVES, starts_at=now + datetime.timedelta(days=1),
        ends_at=now + datetime.timedelta(days=2), message="Fermé pendant les examens",
        created_by=w.principal_a)
    w.timetable_import = TimetableImport.objects.create(
        etablissement=w.etab_a, status=TimetableImport.Status.BILAN, uploaded_by=w.principal_a,
        bilan={"counts": {"courses": 1}, "lists": {}, "rooms": ["S101"]})
    w.rapprochement = Rapprochement.objects.create(
        etablissement=w.etab_a, kind="division", source_key="3b", source_label="3B",
        regroupement=w.div_3b)
    w.cours = Cours.objects.create(
        etablissement=w.etab_a, key="sweep-maths", matiere_label="MATHEMATIQUES", day=1,
        start=datetime.time(8), end=datetime.time(9), salle="LABO 1/2", matiere=w.maths)
    w.cours.enseignants.set([w.teacher_a])
    w.cours.regroupements.set([w.div_3a])
    _cahier(w)
    # Today's séance of that course (its roll call), and an absence of Léa.
    w.seance = Seance.objects.create(cours=w.cours, date=timezone.localdate(),
                                     start=datetime.time(8), end=datetime.time(9))
    w.absence = Absence.objects.create(eleve=w.pupil_a, etablissement=w.etab_a, start=now,
                                       end=now + datetime.timedelta(hours=1), created_at=now,
                                       updated_at=now)
    w.notification = Notification.objects.create(
        recipient=w.parent_a, kind="test", title="Bienvenue", url="/",
        etablissement=w.etab_a, created_at=now)
    # A delegation ending before today: the adviser holds no right during the sweep.
    w.adviser = PersonFactory(population=Population.PERS_EDUC_NAT, profile=Profile.ENSEIGNANT,
                              first_name="Ana", last_name="Conseil")
    w.delegation = AdminDelegation.objects.create(
        role=RoleFactory(person=w.adviser, etablissement=w.etab_a, role=Role.Kind.ADMIN_ETAB),
        etablissement=w.etab_a, person=w.adviser, starts_on=now.date() - datetime.timedelta(10),
        ends_on=now.date() - datetime.timedelta(1), granted_by=w.principal_a)
    return w


def _cahier(w: World) -> None:
    """Monday's séance of the maths course with a published content and homework (due for
    Thursday's séance) and a file; written through the cahier's services."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from viescolaire.cahier import services as cahier
    from viescolaire.models import Seance

    monday = datetime.date(2025, 9, 15)
    w.seance = Seance.objects.create(cours=w.cours, date=monday, start=datetime.time(8),
                                     end=datetime.time(9))
    w.seance_next = Seance.objects.create(cours=w.cours, date=monday + datetime.timedelta(3),
                                          start=datetime.time(8), end=datetime.time(9))
    kinds = cahier.national_types_ensure()
    cahier.contenu_save(seance=w.seance, acting_user=w.teacher_a, title="Les fractions",
                        body="Cours", publish="maintenant")
    w.devoir = cahier.devoir_save(seance=w.seance, acting_user=w.teacher_a, type=kinds[0],
                                  minutes=20, description="Exercices", publish="maintenant",
                                  due_seance=w.seance_next)
    w.piece, = cahier.pieces_add(owner=w.teacher_a, devoir=w.devoir, uploads=[
        SimpleUploadedFile("fiche.pdf", b"%PDF fiche")])
