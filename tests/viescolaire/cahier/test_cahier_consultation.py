"""The Services administration's consultation rights on the cahier: every teacher, the vie
scolaire, the médico-social staff; each toggle off → 404, on → 200, never another collège's
and never a draft."""

import datetime as dt

import pytest
from django.urls import reverse

from annuaire.models import Fonction
from ent.catalogue.models import ServiceToggle
from ent.rights.catalogue import grants_cache_invalidate
from tests.viescolaire.conftest import MONDAY, make_seance
from viescolaire.cahier import services

ALL_TEACHERS = "cahier.enseignants_tous"
VIE_SCOLAIRE = "cahier.vie_scolaire"
MEDICO_SOCIAL = "cahier.medico_social"


def _toggle(etab, key, enabled):
    """Written as the Services page's service does: the row, then the cache's version."""
    ServiceToggle.objects.update_or_create(etablissement=etab, toggle=key,
                                           defaults={"enabled": enabled})
    grants_cache_invalidate()


def _class_url(world, regroupement=None):
    regroupement = regroupement or world.div_3a
    return reverse("cahier:classe") + f"?classe={regroupement.pk}&semaine={MONDAY.isoformat()}"


def _reader(world, who):
    person = getattr(world, who)
    if who == "agent_a":  # the school nurse: a personnel with the AAF function MDS
        Fonction.objects.create(person=person, etablissement=world.etab_a, code="MDS",
                                libelle="INFIRMIERE")
    return person


# (reader, toggle, on by default)
CASES = [("teacher_a2", ALL_TEACHERS, False), ("cpe_a", VIE_SCOLAIRE, True),
         ("agent_a", MEDICO_SOCIAL, False)]


@pytest.mark.parametrize(("who", "key", "default"), CASES)
def test_each_toggle_opens_the_published_cahier_of_the_collège(
        world, cahier, timetable, login, who, key, default):
    reader = _reader(world, who)
    seance_url = reverse("cahier:seance", args=[timetable.maths_monday.pk])
    class_page = _class_url(world)
    client = login(reader)
    expected = 200 if default else 404
    assert client.get(seance_url).status_code == expected
    assert client.get(class_page).status_code == expected

    _toggle(world.etab_a, key, False)
    client = login(reader)
    assert client.get(seance_url).status_code == 404
    assert client.get(class_page).status_code == 404
    assert client.get(reverse("cahier:classe")).status_code == 404

    _toggle(world.etab_a, key, True)
    client = login(reader)
    assert client.get(seance_url).status_code == 200
    page = client.get(class_page)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Cours sur les fractions" in text and "Exercices 1 à 4 page 12" in text
    # Drafts stay their author's and the direction's.
    assert "Brouillon secret" not in text and "Devoir brouillon secret" not in text
    thursday = client.get(reverse("cahier:seance", args=[timetable.maths_thursday.pk]))
    assert thursday.status_code == 200
    assert "Brouillon secret" not in thursday.content.decode()
    assert "Devoir brouillon secret" not in client.get(seance_url).content.decode()
    # Another collège's classes stay out of reach, and out of the chooser.
    assert client.get(_class_url(world, world.div_b_3a)).status_code == 404
    chooser = client.get(reverse("cahier:classe")).content.decode()
    assert f'value="{world.div_3a.pk}"' in chooser
    assert f'value="{world.div_b_3a.pk}"' not in chooser
    # Reading is not writing.
    response = client.post(seance_url, {"title": "Intrus", "body": "x", "publish": "maintenant"})
    assert response.status_code == 404


@pytest.mark.parametrize(("who", "key", "default"), CASES)
def test_another_collèges_toggle_opens_nothing_here(world, cahier, timetable, login, who, key,
                                                    default):
    reader = _reader(world, who)
    _toggle(world.etab_a, key, False)
    _toggle(world.etab_b, key, True)
    client = login(reader)
    assert client.get(reverse("cahier:seance",
                              args=[timetable.maths_monday.pk])).status_code == 404
    assert client.get(_class_url(world)).status_code == 404


def test_the_other_collèges_teacher_never_reads_collège_a(world, cahier, timetable, login):
    _toggle(world.etab_a, ALL_TEACHERS, True)
    _toggle(world.etab_b, ALL_TEACHERS, True)
    client = login(world.teacher_b)
    assert client.get(reverse("cahier:seance",
                              args=[timetable.maths_monday.pk])).status_code == 404
    assert client.get(_class_url(world)).status_code == 404
    assert client.get(_class_url(world, world.div_b_3a)).status_code == 200


def test_the_direction_always_reads_a_class_and_its_drafts_stay_on_the_seance_page(
        world, cahier, timetable, login):
    for key in (ALL_TEACHERS, VIE_SCOLAIRE, MEDICO_SOCIAL):
        _toggle(world.etab_a, key, False)
    client = login(world.principal_a)
    page = client.get(_class_url(world))
    assert page.status_code == 200
    # The class page shows what is published only, even to the direction.
    assert "Cours sur les fractions" in page.content.decode()
    assert client.get(_class_url(world, world.div_b_3a)).status_code == 404
    assert login(world.principal_b).get(_class_url(world)).status_code == 404


def test_the_class_page_reads_in_fixed_queries(world, cahier, timetable, types, login,
                                               django_assert_max_num_queries):
    client = login(world.cpe_a)
    url = _class_url(world)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    for offset in (1, 2, 4, 5):
        seance = make_seance(timetable.maths, MONDAY + dt.timedelta(days=offset))
        services.contenu_save(seance=seance, acting_user=world.teacher_a, title=f"T{offset}",
                              body="<p>x</p>", publish=services.Publish.NOW)
        services.devoir_save(seance=seance, acting_user=world.teacher_a,
                             type=types["Exercices"], minutes=10, description="d",
                             publish=services.Publish.NOW,
                             due_date=MONDAY + dt.timedelta(days=10))
    client = login(world.cpe_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert page.status_code == 200 and "T5" in page.content.decode()


def test_a_teachers_week_links_to_the_class_cahier_once_opened(world, timetable, login):
    link = reverse("cahier:classe")
    assert link not in login(world.teacher_a2).get(reverse("cahier:teacher_week")).content.decode()
    _toggle(world.etab_a, ALL_TEACHERS, True)
    assert link in login(world.teacher_a2).get(reverse("cahier:teacher_week")).content.decode()
