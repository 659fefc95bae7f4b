"""Fixtures shared by the whole suite: Celery runs eagerly unless a test starts a real worker,
uploads go to a temporary folder, and ``world`` holds one person of every role."""

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.cache import cache

from annuaire.models import Population, Profile, Regroupement, Role
from ent.celery import app as celery_app
from tests.samples import samples_missing

from .factories import (
    EnseignementFactory,
    EtablissementFactory,
    InscriptionFactory,
    MatiereFactory,
    ParenteFactory,
    PersonFactory,
    ProfPrincipalFactory,
    RegroupementFactory,
    RoleFactory,
)

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
AAF_SAMPLES = SAMPLES / "aaf"


@pytest.fixture(autouse=True)
def _eager_celery():
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ENT_LETTERS_DIR = tmp_path / "letters"
    yield


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield


@pytest.fixture
def aaf_samples():
    if not AAF_SAMPLES.exists():
        samples_missing("les échantillons AAF (../shared/samples/aaf) sont absents")
    return AAF_SAMPLES


def _person(population, profile, first, last, **kwargs):
    return PersonFactory(population=population, profile=profile, first_name=first,
                         last_name=last, **kwargs)


@dataclass
class World:
    """Two collèges and one person of every role; names tell who is where."""

    etab_a: object
    etab_b: object
    div_3a: object
    div_3b: object
    grp_latin: object
    div_b_3a: object
    maths: object
    anglais: object
    principal_a: object
    admin_etab_a: object
    cpe_a: object
    doc_a: object
    agent_a: object
    teacher_a: object
    teacher_a2: object
    pupil_a: object
    pupil_a2: object
    pupil_a3: object
    parent_a: object
    contact_a: object
    principal_b: object
    teacher_b: object
    pupil_b: object
    parent_b: object
    academy_admin: object

    def roles(self):
        """Every role's person, by name, for refusal tests."""
        return {name: getattr(self, name) for name in (
            "principal_a", "admin_etab_a", "cpe_a", "doc_a", "agent_a", "teacher_a",
            "teacher_a2", "pupil_a", "pupil_a2", "pupil_a3", "parent_a", "contact_a",
            "principal_b", "teacher_b", "pupil_b", "parent_b", "academy_admin")}


@pytest.fixture
def world(db):
    return build_world()


def build_world():
    """The ``world`` fixture's content, for a fixture of a wider scope that builds it once
    (the URL sweep); the caller provides the database access."""
    etab_a = EtablissementFactory(name="COLLEGE JEAN MOULIN (LYON)", uai="0690001A", aaf_id="1001")
    etab_b = EtablissementFactory(name="COLLEGE VICTOR HUGO (VILLEURBANNE)", uai="0690002B",
                                  aaf_id="1002")
    div_3a = RegroupementFactory(etablissement=etab_a, code="3A")
    div_3b = RegroupementFactory(etablissement=etab_a, code="3B")
    grp_latin = RegroupementFactory(etablissement=etab_a, code="3LATIN",
                                    nature=Regroupement.Nature.GROUPE)
    div_b_3a = RegroupementFactory(etablissement=etab_b, code="3A")
    maths = MatiereFactory(code="061300", libelle="MATHEMATIQUES")
    anglais = MatiereFactory(code="030201", libelle="ANGLAIS LV1")
    staff = Population.PERS_EDUC_NAT

    def staff_member(first, last, etab, role, profile=Profile.PERSONNEL):
        person = _person(staff, profile, first, last)
        RoleFactory(person=person, etablissement=etab, role=role)
        return person

    principal_a = staff_member("Claire", "Principal", etab_a, Role.Kind.DIRECTION)
    admin_etab_a = staff_member("Alain", "Admin", etab_a, Role.Kind.ADMIN_ETAB)
    cpe_a = staff_member("Céline", "Cpe", etab_a, Role.Kind.VIE_SCOLAIRE)
    doc_a = staff_member("Denis", "Doc", etab_a, Role.Kind.DOCUMENTALISTE, Profile.ENSEIGNANT)
    agent_a = staff_member("Gérard", "Agent", etab_a, Role.Kind.PERSONNEL)
    teacher_a = staff_member("Hélène", "Martin", etab_a, Role.Kind.ENSEIGNANT, Profile.ENSEIGNANT)
    EnseignementFactory(enseignant=teacher_a, regroupement=div_3a, matiere=maths)
    EnseignementFactory(enseignant=teacher_a, regroupement=grp_latin)
    ProfPrincipalFactory(enseignant=teacher_a, regroupement=div_3a)
    teacher_a2 = staff_member("Paul", "Durand", etab_a, Role.Kind.ENSEIGNANT, Profile.ENSEIGNANT)
    EnseignementFactory(enseignant=teacher_a2, regroupement=div_3b, matiere=anglais)

    def pupil(first, last, etab, *regs):
        person = _person(Population.ELEVE, Profile.ELEVE, first, last)
        RoleFactory(person=person, etablissement=etab, role=Role.Kind.ELEVE)
        for reg in regs:
            InscriptionFactory(eleve=person, regroupement=reg)
        return person

    pupil_a = pupil("Léa", "Dupont", etab_a, div_3a, grp_latin)
    pupil_a2 = pupil("Noé", "Bernard", etab_a, div_3a)
    pupil_a3 = pupil("Inès", "Petit", etab_a, div_3b)
    parent_a = _person(Population.PERS_REL_ELEVE, Profile.PARENT, "Sophie", "Dupont")
    ParenteFactory(eleve=pupil_a, responsable=parent_a)
    RoleFactory(person=parent_a, etablissement=etab_a, role=Role.Kind.PARENT)
    contact_a = _person(Population.PERS_REL_ELEVE, Profile.PARENT, "Marc", "Voisin")
    ParenteFactory(eleve=pupil_a, responsable=contact_a, lien_code="4", legal=0,
                   representant_legal=False, financier=False)
    principal_b = staff_member("Bruno", "Proviseur", etab_b, Role.Kind.DIRECTION)
    teacher_b = staff_member("Hélène", "Marchand", etab_b, Role.Kind.ENSEIGNANT, Profile.ENSEIGNANT)
    EnseignementFactory(enseignant=teacher_b, regroupement=div_b_3a, matiere=maths)
    pupil_b = pupil("Hugo", "Lefebvre", etab_b, div_b_3a)
    parent_b = _person(Population.PERS_REL_ELEVE, Profile.PARENT, "Julie", "Lefebvre")
    ParenteFactory(eleve=pupil_b, responsable=parent_b)
    RoleFactory(person=parent_b, etablissement=etab_b, role=Role.Kind.PARENT)
    academy_admin = _person(Population.LOCAL, Profile.PERSONNEL, "Ada", "Rectorat",
                            aaf_id=None, login="admin.academique")
    RoleFactory(person=academy_admin, etablissement=None, role=Role.Kind.ADMIN_ACADEMIQUE)
    return World(**{k: v for k, v in locals().items() if k in World.__dataclass_fields__})


@pytest.fixture
def login(client):
    """Log a person in on the test client; returns the client."""

    def _login(person):
        client.force_login(person)
        return client

    return _login


@pytest.fixture
def login_clock(monkeypatch):
    """The login limits' clock, stopped at 8:00 and moved by hand (``login_clock.advance(s)``):
    their delays are seconds, which a test must neither wait for nor race."""
    from ent import login_limits

    class Clock:
        at = 1_799_996_400.0  # Friday 15 January 2027, 8:00 in Paris

        def advance(self, seconds):
            self.at += seconds

    clock = Clock()
    monkeypatch.setattr(login_limits, "now", lambda: clock.at)
    return clock


@pytest.fixture
def staged_copy(tmp_path):
    """Copy sample files into a temporary folder (tests never touch ../shared)."""

    def _copy(*paths):
        folder = tmp_path / "livraison"
        folder.mkdir(exist_ok=True)
        for path in paths:
            shutil.copy(path, folder / Path(path).name)
        return folder

    return _copy


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """Start real Celery workers (on PostgreSQL and Redis) that run the tasks the test sends."""
    import uuid

    from .workers import WorkerProcess, use_real_broker, worker_environment

    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = worker_environment(queue, visibility_timeout=2)
    if env is None:
        pytest.skip("un worker Celery réel demande PostgreSQL et Redis (make test)")
    use_real_broker(queue)
    started = []

    def start():
        log = open(tmp_path / f"worker-{len(started)}.log", "wb")  # noqa: SIM115
        worker = WorkerProcess(queue, env, log).start()
        started.append((worker, log))
        return worker

    yield start
    for worker, log in started:
        worker.stop()
        log.close()
    from ent.celery import app

    app.conf.task_default_queue = "celery"
