import html

import pytest
from django.urls import reverse

from annuaire.models import ActivationCode, EtabAccountSettings, LetterBatch, Person
from tests.annuaire.activation.conftest import pdf_text
from tests.factories import RoleFactory, two_people_parent

pytestmark = pytest.mark.django_db
# Who may print letters of établissement A, and who may not (404 whatever they ask).
ALLOWED = ["principal_a", "admin_etab_a", "academy_admin"]
REFUSED = ["cpe_a", "doc_a", "agent_a", "teacher_a", "pupil_a", "parent_a", "principal_b",
           "teacher_b", "parent_b"]


def _urls(world):
    a = world.etab_a.pk
    return [reverse("annuaire:accounts_etab", args=[a]), reverse("annuaire:letters", args=[a]),
            reverse("annuaire:controls", args=[a]),
            reverse("annuaire:account_settings", args=[a])]


@pytest.mark.parametrize("who", REFUSED)
def test_refused_roles_get_404(world, login, who):
    client = login(getattr(world, who))
    for url in _urls(world):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("annuaire:letters", args=[world.etab_a.pk]),
                           {"audience": "eleves", "per_page": 1, "channel": "pdf"})
    assert response.status_code == 404
    relance = reverse("annuaire:relance", args=[world.etab_a.pk])
    assert client.get(relance, {"audience": "eleves"}).status_code == 404
    response = client.post(relance, {"audience": "eleves", "confirm": "1"})
    assert response.status_code == 404


@pytest.mark.parametrize("who", ALLOWED)
def test_allowed_roles_see_the_board(world, login, who, django_assert_max_num_queries):
    client = login(getattr(world, who))
    with django_assert_max_num_queries(16):
        response = client.get(reverse("annuaire:accounts_etab", args=[world.etab_a.pk]))
    assert response.status_code == 200
    assert "Activation par division" in response.content.decode()


def test_board_queries_do_not_grow_with_divisions(world, login, django_assert_num_queries):
    from tests.factories import RegroupementFactory

    client = login(world.principal_a)
    url = reverse("annuaire:accounts_etab", args=[world.etab_a.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(20):
        RegroupementFactory(etablissement=world.etab_a, code=f"6{n}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_principal_prints_a_division(world, login):
    Person.objects.update(activated_at=None)
    client = login(world.principal_a)
    response = client.post(reverse("annuaire:letters", args=[world.etab_a.pk]), {
        "audience": "eleves", "division": world.div_3a.pk, "per_page": 2,
        "only_not_activated": "on", "channel": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert world.pupil_a.login in text and world.pupil_a2.login in text
    assert world.pupil_a3.login not in text
    batch = LetterBatch.objects.get()
    assert batch.created_by == world.principal_a and batch.persons.count() == 2


def test_letters_of_flagged_records_ask_for_confirmation(world, login):
    Person.objects.update(activated_at=None)
    two = two_people_parent(etab=world.etab_a, child=world.pupil_a2, activated_at=None)
    client = login(world.principal_a)
    url = reverse("annuaire:letters", args=[world.etab_a.pk])
    data = {"audience": "parents", "division": world.div_3a.pk, "per_page": 1,
            "only_not_activated": "on", "channel": "pdf"}
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200 and "Imprimer quand même" in page and "MANENTE" in page
    assert not LetterBatch.objects.exists()
    response = client.post(url, {**data, "confirm": "1"})
    assert response["Content-Type"] == "application/pdf"
    assert two.login in pdf_text(response.content)


def test_whole_collège_goes_to_a_job_with_progress_and_one_download(
        world, login, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.ENT_LETTERS_SYNC_MAX = 1
    settings.ENT_LETTERS_DIR = tmp_path / "letters"
    Person.objects.update(activated_at=None)
    client = login(world.principal_a)
    # The job is queued once the batch is committed (eager Celery runs it then).
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(reverse("annuaire:letters", args=[world.etab_a.pk]), {
            "audience": "eleves", "per_page": 8, "only_not_activated": "on", "channel": "pdf"})
    assert len(queued) == 1
    batch = LetterBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("annuaire:letter_batch", args=[world.etab_a.pk, batch.pk])
    page = client.get(response.url).content.decode()
    assert "Télécharger le PDF (3 fiches)" in page
    progress = client.get(reverse("annuaire:letter_batch_progress",
                                  args=[world.etab_a.pk, batch.pk]))
    assert progress.status_code == 200
    download = reverse("annuaire:letter_batch_download", args=[world.etab_a.pk, batch.pk])
    # A GET writes nothing: the file is handed over (and deleted) on a POST only.
    assert client.get(download).status_code == 405
    response = client.post(download)
    assert response["Content-Type"] == "application/pdf"
    assert world.pupil_a3.login in pdf_text(b"".join(response.streaming_content))
    again = client.post(download)
    assert again.status_code == 302
    # Another establishment's principal cannot reach the batch.
    assert login(world.principal_b).post(download).status_code == 404


def test_relance_prints_only_the_laggards(world, login):
    Person.objects.filter(pk=world.pupil_a2.pk).update(activated_at=None)
    client = login(world.principal_a)
    response = client.post(reverse("annuaire:relance", args=[world.etab_a.pk]),
                           {"audience": "eleves", "division": world.div_3a.pk, "confirm": "1"})
    text = pdf_text(response.content)
    assert world.pupil_a2.login in text and world.pupil_a.login not in text
    # A division of another establishment is not reachable.
    response = client.post(reverse("annuaire:relance", args=[world.etab_a.pk]),
                           {"audience": "eleves", "division": world.div_b_3a.pk, "confirm": "1"})
    assert response.status_code == 404


def test_relance_asks_first_how_many_codes_change(world, login, django_assert_max_num_queries):
    """The board's button only opens the confirmation: no code changes until it is posted."""
    from annuaire.activation import services

    Person.objects.filter(pk__in=[world.pupil_a.pk, world.pupil_a2.pk, world.pupil_a3.pk]
                          ).update(activated_at=None)
    services.codes_issue(persons=[world.pupil_a, world.pupil_a2])
    before = dict(ActivationCode.objects.values_list("person_id", "digest"))
    client = login(world.principal_a)
    board = client.get(reverse("annuaire:accounts_etab", args=[world.etab_a.pk])).content.decode()
    relance = reverse("annuaire:relance", args=[world.etab_a.pk])
    assert f'<form method="get" action="{relance}"' in board
    with django_assert_max_num_queries(8):
        page = client.get(relance, {"audience": "eleves"})
    text = html.unescape(page.content.decode())
    assert page.status_code == 200
    assert "3 codes d'activation vont changer" in text
    assert "2 fiches déjà remises ne fonctionneront plus" in text
    assert "Changer 3 codes et imprimer les fiches" in text
    # A post without the confirmation only shows it again.
    again = client.post(relance, {"audience": "eleves"})
    assert "3 codes d'activation vont changer" in html.unescape(again.content.decode())
    assert dict(ActivationCode.objects.values_list("person_id", "digest")) == before
    assert not LetterBatch.objects.exists()
    # One division, one pupil: the singular.
    text = html.unescape(client.get(
        relance, {"audience": "eleves", "division": world.div_3b.pk}).content.decode())
    assert "1 code d'activation va changer" in text and "Relance : Élèves de 3B" in text
    assert "Aucun de ces comptes n'a de code encore valable" in text
    assert "Changer 1 code et imprimer la fiche" in text
    confirmed = client.post(relance, {"audience": "eleves", "confirm": "1"})
    assert confirmed["Content-Type"] == "application/pdf"
    after = dict(ActivationCode.objects.values_list("person_id", "digest"))
    assert set(after) == {world.pupil_a.pk, world.pupil_a2.pk, world.pupil_a3.pk}
    assert all(after[pk] != digest for pk, digest in before.items())


@pytest.mark.parametrize("query", [{"audience": "eleves", "division": "abc"},
                                   {"audience": "personne"}, {"audience": "nimporte"}, {}])
def test_relance_with_bad_input_is_not_found(world, login, query):
    client = login(world.principal_a)
    relance = reverse("annuaire:relance", args=[world.etab_a.pk])
    assert client.get(relance, query).status_code == 404
    assert client.post(relance, {**query, "confirm": "1"}).status_code == 404


def test_relance_of_accounts_all_activated_says_so(world, login):
    client = login(world.principal_a)
    response = client.get(reverse("annuaire:relance", args=[world.etab_a.pk]),
                          {"audience": "enseignants"}, follow=True)
    assert "Tous ces comptes sont déjà activés." in response.content.decode()


def test_person_code_from_the_card(world, login):
    client = login(world.principal_a)
    card = client.get(reverse("annuaire:person", args=[world.pupil_a.pk])).content.decode()
    assert "nouveau code" in card
    response = client.post(reverse("annuaire:person_code", args=[world.pupil_a.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert world.pupil_a.login in pdf_text(response.content)
    world.pupil_a.refresh_from_db()
    assert world.pupil_a.activated_at is None and not world.pupil_a.has_usable_password()
    assert ActivationCode.objects.filter(person=world.pupil_a).exists()


@pytest.mark.parametrize("who", ["teacher_a", "parent_a", "pupil_a2", "principal_b", "cpe_a"])
def test_person_code_refused(world, login, who):
    client = login(getattr(world, who))
    response = client.post(reverse("annuaire:person_code", args=[world.pupil_a.pk]))
    assert response.status_code == 404
    assert not ActivationCode.objects.exists()


def test_vie_scolaire_reissues_codes_once_the_principal_allows_it(world, login):
    client = login(world.principal_a)
    client.post(reverse("annuaire:account_settings", args=[world.etab_a.pk]), {
        "charte": "Charte du collège.", "vie_scolaire_reissues_codes": "on"})
    assert EtabAccountSettings.objects.get(etablissement=world.etab_a).charte == "Charte du collège."
    response = login(world.cpe_a).post(reverse("annuaire:person_code", args=[world.pupil_a.pk]))
    assert response["Content-Type"] == "application/pdf"
    response = login(world.cpe_a).post(reverse("annuaire:person_code", args=[world.pupil_b.pk]))
    assert response.status_code == 404


def test_controls_page(world, login, django_assert_max_num_queries):
    client = login(world.principal_a)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("annuaire:controls", args=[world.etab_a.pk])).content.decode()
    assert "Élèves sans INE" in page and "Correction" in page


def test_home_lists_the_service_for_principals_only(world, login):
    assert "Comptes et activation" in login(world.principal_a).get("/").content.decode()
    assert "Comptes et activation" not in login(world.teacher_a).get("/").content.decode()


def test_history_keeps_who_printed_whom(world, login, django_assert_max_num_queries):
    Person.objects.update(activated_at=None)
    client = login(world.principal_a)
    client.post(reverse("annuaire:letters", args=[world.etab_a.pk]), {
        "audience": "eleves", "division": world.div_3a.pk, "per_page": 1,
        "only_not_activated": "on", "channel": "pdf"})
    batch = LetterBatch.objects.get()
    with django_assert_max_num_queries(12):
        page = client.get(reverse("annuaire:letter_history", args=[world.etab_a.pk]))
    assert "Élèves de 3A" in page.content.decode() and "PRINCIPAL Claire" in page.content.decode()
    detail = client.get(reverse("annuaire:letter_batch", args=[world.etab_a.pk, batch.pk]))
    assert world.pupil_a.login in detail.content.decode()
    assert login(world.principal_b).get(
        reverse("annuaire:letter_history", args=[world.etab_a.pk])).status_code == 404


def test_a_new_code_never_hands_over_a_more_powerful_account(world, login):

    RoleFactory(person=world.academy_admin, etablissement=world.etab_a, role="enseignant")
    principal = login(world.principal_a)
    for target in (world.academy_admin, world.principal_a):
        response = principal.post(reverse("annuaire:person_code", args=[target.pk]))
        assert response.status_code == 404
    login(world.principal_a).post(reverse("annuaire:account_settings", args=[world.etab_a.pk]),
                                  {"charte": "", "vie_scolaire_reissues_codes": "on"})
    cpe = login(world.cpe_a)
    for target in (world.teacher_a, world.principal_a, world.agent_a):
        assert cpe.post(reverse("annuaire:person_code", args=[target.pk])).status_code == 404
    assert not ActivationCode.objects.exists()
    for target in (world.teacher_a, world.principal_a, world.academy_admin):
        target.refresh_from_db()
        assert target.has_usable_password()
    # Nor do the establishment's letters print an académie administrator's code.
    Person.objects.update(activated_at=None)
    response = login(world.principal_a).post(reverse("annuaire:letters", args=[world.etab_a.pk]), {
        "audience": "enseignants", "per_page": 1, "only_not_activated": "on", "channel": "pdf",
        "confirm": "1"})
    assert response["Content-Type"] == "application/pdf", response.content[:300]
    assert world.academy_admin.login not in pdf_text(response.content)
    assert world.teacher_a.login in pdf_text(response.content)
