from ent import rights


def visible(viewer):
    return set(rights.persons_visible(viewer).values_list("pk", flat=True))


def test_principal_sees_own_establishment_only(world):
    seen = visible(world.principal_a)
    assert world.pupil_a.pk in seen and world.teacher_a.pk in seen and world.parent_a.pk in seen
    assert world.pupil_b.pk not in seen and world.teacher_b.pk not in seen


def test_teacher_sees_pupils_of_taught_regroupements_and_colleagues(world):
    seen = visible(world.teacher_a)
    assert {world.pupil_a.pk, world.pupil_a2.pk, world.parent_a.pk, world.teacher_a2.pk} <= seen
    assert world.pupil_a3.pk not in seen  # 3B, taught by someone else
    assert world.contact_a.pk not in seen  # not a legal guardian
    assert world.pupil_b.pk not in seen


def test_parent_sees_children_and_their_teachers(world):
    seen = visible(world.parent_a)
    assert {world.pupil_a.pk, world.teacher_a.pk, world.principal_a.pk, world.cpe_a.pk} <= seen
    assert world.pupil_a2.pk not in seen and world.teacher_a2.pk not in seen
    assert world.agent_a.pk not in seen and world.pupil_b.pk not in seen


def test_pupil_sees_division(world):
    seen = visible(world.pupil_a)
    assert {world.pupil_a2.pk, world.teacher_a.pk, world.parent_a.pk} <= seen
    assert world.pupil_a3.pk not in seen and world.pupil_b.pk not in seen


def test_academy_admin_sees_everyone(world):
    assert {world.pupil_a.pk, world.pupil_b.pk} <= visible(world.academy_admin)
