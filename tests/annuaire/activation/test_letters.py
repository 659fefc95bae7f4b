import pytest

from annuaire.activation import selectors, services
from annuaire.activation.codes import code_display
from annuaire.models import ActivationCode, LetterBatch, Person
from tests.factories import InscriptionFactory, ParenteFactory, RoleFactory

from .conftest import pdf_pages, pdf_text

pytestmark = pytest.mark.django_db
A = selectors.Audience


def test_audiences_cover_the_right_people(world):
    Person.objects.update(activated_at=None)
    pupils = selectors.audience_persons(etab=world.etab_a, audience=A.ELEVES,
                                        division=world.div_3a)
    assert set(pupils) == {world.pupil_a, world.pupil_a2}
    parents = selectors.audience_persons(etab=world.etab_a, audience=A.PARENTS,
                                         division=world.div_3a)
    assert set(parents) == {world.parent_a}  # the contact, not a legal guardian, has no letter
    teachers = selectors.audience_persons(etab=world.etab_a, audience=A.ENSEIGNANTS)
    assert set(teachers) == {world.teacher_a, world.teacher_a2}
    staff = selectors.audience_persons(etab=world.etab_a, audience=A.PERSONNELS)
    assert set(staff) == {world.principal_a, world.admin_etab_a, world.cpe_a, world.doc_a,
                          world.agent_a}


def test_only_not_activated_is_the_default(world):
    Person.objects.filter(pk=world.pupil_a2.pk).update(activated_at=None)
    pupils = selectors.audience_persons(etab=world.etab_a, audience=A.ELEVES,
                                        division=world.div_3a)
    assert list(pupils) == [world.pupil_a2]


def test_a_parent_letter_names_each_child_even_in_another_establishment(
        world, django_assert_max_num_queries):
    RoleFactory(person=world.parent_a, etablissement=world.etab_b, role="parent")
    ParenteFactory(eleve=world.pupil_b, responsable=world.parent_a)
    with django_assert_max_num_queries(3):
        letters = selectors.letters_build(etab=world.etab_a, persons=[world.parent_a])
    children = {(c["name"], c["division"], c["etab"]) for c in letters[0].children}
    assert children == {("Léa DUPONT", "3A", world.etab_a.name),
                        ("Hugo LEFEBVRE", "3A", world.etab_b.name)}


def test_batch_renders_every_login_and_code_and_keeps_who_printed(world):
    Person.objects.update(activated_at=None)
    batch = services.letter_batch_create(etab=world.etab_a, acting_user=world.principal_a,
                                         audience=A.ELEVES, division=world.div_3a)
    pdf = services.letter_batch_render(batch_id=batch.pk, to_file=False)
    text = pdf_text(pdf)
    for pupil in (world.pupil_a, world.pupil_a2):
        assert pupil.login in text
    assert "Code d'activation" in text and "COLLEGE JEAN MOULIN" in text
    assert pdf_pages(pdf) == 2
    batch.refresh_from_db()
    assert batch.status == LetterBatch.Status.TELECHARGE
    assert set(batch.persons.all()) == {world.pupil_a, world.pupil_a2}
    assert batch.created_by == world.principal_a and batch.scope == "Élèves de 3A"
    assert ActivationCode.objects.filter(person__in=[world.pupil_a, world.pupil_a2]).count() == 2


def test_the_printed_code_opens_the_account(world, monkeypatch):
    Person.objects.update(activated_at=None)
    printed = {}
    real = services.codes_issue

    def spy(**kwargs):
        codes, expires = real(**kwargs)
        printed.update(codes)
        return codes, expires

    monkeypatch.setattr(services, "codes_issue", spy)
    batch = services.letter_batch_create(etab=world.etab_a, acting_user=world.principal_a,
                                         audience=A.ELEVES, division=world.div_3b)
    text = pdf_text(services.letter_batch_render(batch_id=batch.pk, to_file=False))
    code = printed[world.pupil_a3.pk]
    assert code_display(code) in text
    assert services.activation_check(login=world.pupil_a3.login, code=code) == world.pupil_a3


@pytest.mark.parametrize("per_page, pages", [(1, 12), (2, 6), (8, 2)])
def test_layouts(world, per_page, pages):
    for n in range(10):
        pupil = Person.objects.create(login=f"eleve.test{n}", population="Eleve",
                                      profile="eleve", last_name=f"Test{n}", first_name="Élève")
        RoleFactory(person=pupil, etablissement=world.etab_a, role="eleve")
        InscriptionFactory(eleve=pupil, regroupement=world.div_3a)
    Person.objects.update(activated_at=None)
    batch = services.letter_batch_create(etab=world.etab_a, acting_user=world.principal_a,
                                         audience=A.ELEVES, division=world.div_3a,
                                         per_page=per_page)
    assert batch.total == 12
    pdf = services.letter_batch_render(batch_id=batch.pk, to_file=False)
    assert pdf_pages(pdf) == pages


def test_job_writes_a_private_file_removed_once_downloaded(world, letters_dir):
    Person.objects.update(activated_at=None)
    batch = services.letter_batch_create(etab=world.etab_a, acting_user=world.principal_a,
                                         audience=A.PARENTS)
    services.letter_batch_render(batch_id=batch.pk)
    batch.refresh_from_db()
    path = services.letter_batch_path(batch)
    assert batch.status == LetterBatch.Status.PRET and path.exists()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert world.parent_a.login in pdf_text(path.read_bytes())
    # A rerun of a finished job changes nothing: no new codes.
    digest = ActivationCode.objects.get(person=world.parent_a).digest
    assert services.letter_batch_render(batch_id=batch.pk) is None
    assert ActivationCode.objects.get(person=world.parent_a).digest == digest
    services.letter_batch_downloaded(batch=batch)
    assert not path.exists()


def test_staff_letters_by_email(world, mailoutbox):
    Person.objects.update(activated_at=None)
    Person.objects.filter(pk=world.teacher_a.pk).update(email="helene.martin@ac-lyon.fr")
    batch = services.letter_batch_create(etab=world.etab_a, acting_user=world.principal_a,
                                         audience=A.ENSEIGNANTS, channel="email")
    services.letter_batch_render(batch_id=batch.pk)
    assert [m.to for m in mailoutbox] == [["helene.martin@ac-lyon.fr"]]
    assert world.teacher_a.login in mailoutbox[0].body


def test_families_cover_pupils_and_their_parents(world):
    Person.objects.update(activated_at=None)
    people = selectors.audience_persons(etab=world.etab_a, audience=A.FAMILLES,
                                        division=world.div_3a)
    assert set(people) == {world.pupil_a, world.pupil_a2, world.parent_a}


@pytest.mark.parametrize("per_page", [1, 2, 8])
def test_letters_print_the_activation_address_and_its_qr_code(world, settings, per_page):
    """The root address left families to find « Activer mon compte »: each letter prints the
    activation page's address, and a QR code of it that a phone opens."""
    import segno

    from annuaire.activation.letters import _context, activation_url

    settings.ENT_PUBLIC_URL = "https://ent.exemple.fr/"
    url = "https://ent.exemple.fr/compte/activation/"
    assert activation_url() == url
    Person.objects.update(activated_at=None)
    batch = services.letter_batch_create(etab=world.etab_a, acting_user=world.principal_a,
                                         audience=A.ELEVES, division=world.div_3a,
                                         per_page=per_page)
    pdf = services.letter_batch_render(batch_id=batch.pk, to_file=False)
    text = pdf_text(pdf).replace("\n", "")
    assert url in text
    # The QR code is drawn in the PDF (vector paths), and it encodes that same address.
    from django.template.loader import render_to_string

    letters = selectors.letters_build(etab=world.etab_a, persons=[world.pupil_a])
    letters[0].code, letters[0].expires_at = "ABCDEFGHJK", batch.created_at
    html = render_to_string("annuaire/letters/letters_pdf.html",
                            _context(letters, per_page, world.etab_a, url))
    expected = segno.make(url, error="m").svg_inline(omitsize=True, svgclass="qr",
                                                     lineclass=None)
    path = expected[expected.index("<path"):expected.index("</svg>")]
    assert html.count(path) == 1
    assert pdf_pages(pdf) == {1: 2, 2: 1, 8: 1}[per_page]


def test_letters_by_email_give_the_activation_address(world, mailoutbox, settings):
    settings.ENT_PUBLIC_URL = "https://ent.exemple.fr"
    Person.objects.update(activated_at=None)
    Person.objects.filter(pk=world.teacher_a.pk).update(email="helene.martin@ac-lyon.fr")
    batch = services.letter_batch_create(etab=world.etab_a, acting_user=world.principal_a,
                                         audience=A.ENSEIGNANTS, channel="email")
    services.letter_batch_render(batch_id=batch.pk)
    assert "Adresse d'activation : https://ent.exemple.fr/compte/activation/" in (
        mailoutbox[0].body)
