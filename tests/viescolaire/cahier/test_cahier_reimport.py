"""A timetable reimport that drops séances keeps the cahier de textes written on them: the
séances are cancelled (« annulée (nouvel emploi du temps) »), their content and homework stay."""

import datetime

import pytest

from tests.imports.test_bilan import MONDAY, _records
from tests.imports.test_seances_carrying import TODAY, _maths_at_8, _maths_moved, _validate
from viescolaire.cahier import services
from viescolaire.cahier.models import Contenu, Devoir

pytestmark = pytest.mark.django_db


def test_a_reimport_keeps_the_content_and_homework_of_dropped_séances(world):
    _validate(world, MONDAY - datetime.timedelta(days=1), _records(world))
    written, due = _maths_at_8(6), _maths_at_8(7)
    contenu = services.contenu_save(seance=written, acting_user=world.teacher_a,
                                    title="Théorème de Pythagore", body="<p>Cours</p>",
                                    publish=services.Publish.NOW)
    devoir = services.devoir_save(seance=written, acting_user=world.teacher_a,
                                  type=services.national_types_ensure()[0], minutes=20,
                                  description="Exercices 1 à 3", publish=services.Publish.NOW,
                                  due_seance=due, notify=False)
    bare = _maths_at_8(8).pk

    _forecast, applied = _validate(world, TODAY, _maths_moved(world))

    # Week 6 carries the content and homework, week 7 is the homework's due séance: both kept.
    assert applied["seances_cancelled"] == 2
    contenu = Contenu.objects.select_related("seance").get(pk=contenu.pk)
    devoir = Devoir.objects.select_related("seance", "due_seance").get(pk=devoir.pk)
    assert contenu.title == "Théorème de Pythagore" and devoir.description
    for seance in (contenu.seance, devoir.seance, devoir.due_seance):
        assert seance.cancelled and seance.superseded
    assert not type(written).objects.filter(pk=bare).exists()
