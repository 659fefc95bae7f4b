"""The cahier's fixtures: attachments in a temporary folder, and a helper that gives a
published séance content and homework through the services, on top of ``timetable``."""

from dataclasses import dataclass

import pytest

from viescolaire.cahier import services


@pytest.fixture(autouse=True)
def _cahier_files(settings, tmp_path):
    settings.ENT_CAHIER_FILES_DIR = tmp_path / "cahier"
    yield


@pytest.fixture
def types(db):
    return {t.label: t for t in services.national_types_ensure()}


@dataclass
class Cahier:
    contenu: object
    devoir: object
    draft_contenu: object
    draft_devoir: object


@pytest.fixture
def cahier(world, timetable, types):
    """Teacher A's maths in 3A: Monday's content published, with homework due Thursday
    (published); the Thursday séance's content and a homework still drafts."""
    t = timetable
    contenu = services.contenu_save(seance=t.maths_monday, acting_user=world.teacher_a,
                                    title="Les fractions", body="<p>Cours sur les fractions</p>",
                                    publish=services.Publish.NOW)
    devoir = services.devoir_save(seance=t.maths_monday, acting_user=world.teacher_a,
                                  type=types["Exercices"], minutes=30,
                                  description="Exercices 1 à 4 page 12",
                                  publish=services.Publish.NOW, due_seance=t.maths_thursday)
    draft_contenu = services.contenu_save(seance=t.maths_thursday, acting_user=world.teacher_a,
                                          title="Brouillon secret", body="Brouillon secret",
                                          publish=services.Publish.DRAFT)
    draft_devoir = services.devoir_save(seance=t.maths_monday, acting_user=world.teacher_a,
                                        type=types["Évaluation"], minutes=0,
                                        description="Devoir brouillon secret",
                                        publish=services.Publish.DRAFT,
                                        due_seance=t.maths_thursday)
    return Cahier(contenu, devoir, draft_contenu, draft_devoir)
