"""The teacher's roll call on a phone: two absent, one late, validated, taps and requests
counted; a parent then justifies an absence with a file."""

from playwright.sync_api import expect

from annuaire.models import Population, Profile, Role
from tests.factories import InscriptionFactory, PersonFactory, RoleFactory
from tests.viescolaire.appel.conftest import now_slot
from tests.viescolaire.conftest import make_cours, make_seance
from viescolaire.appel.models import Absence, Appel


def _today_seance(world):
    day, start, end = now_slot()
    cours = make_cours(world.etab_a, day=day.isoweekday(), start=(start.hour, start.minute),
                       end=(end.hour, end.minute), label="MATHEMATIQUES",
                       teachers=[world.teacher_a], regs=[world.div_3a], matiere=world.maths)
    return make_seance(cours, day)


def test_teacher_roll_call_on_a_phone(world, phone, live_server, sign_in, axe_check, tmp_path,
                                      settings):
    settings.ENT_APPEL_ATTACHMENTS_DIR = tmp_path / "justificatifs"
    third = PersonFactory(population=Population.ELEVE, profile=Profile.ELEVE,
                          first_name="Zoé", last_name="Roux")
    RoleFactory(person=third, etablissement=world.etab_a, role=Role.Kind.ELEVE)
    InscriptionFactory(eleve=third, regroupement=world.div_3a)
    seance = _today_seance(world)
    page = sign_in(phone, world.teacher_a)
    page.get_by_role("link", name="MATHEMATIQUES").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Appel — MATHEMATIQUES")
    axe_check(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.evaluate("window.__sameDocument = true")
    posts = []
    page.on("request", lambda r: r.method == "POST" and posts.append(r.url))
    taps = 0
    for label in ("Absent : DUPONT Léa", "Absent : BERNARD Noé", "En retard : ROUX Zoé"):
        with page.expect_response(lambda r: "/eleve/" in r.url):
            page.get_by_label(label).tap()
        taps += 1
    expect(page.locator("#appel-counts")).to_contain_text("2 absents")
    expect(page.locator("#appel-counts")).to_contain_text("1 retard")
    assert page.evaluate("window.__sameDocument === true"), "a tap reloaded the page"
    page.get_by_role("button", name="Valider l'appel").tap()
    taps += 1
    expect(page.get_by_text("Appel enregistré : 2 absents, 1 retard.")).to_be_visible()
    assert taps == 4 and len(posts) == 4
    appel = Appel.objects.get(seance=seance)
    assert appel.state == Appel.State.FAIT
    assert {m.eleve_id for m in appel.marques.filter(absent=True)} == {world.pupil_a.pk,
                                                                      world.pupil_a2.pk}
    axe_check(page)

    # The parent justifies Léa's absence with a PDF.
    phone.context.clear_cookies()
    page = sign_in(phone, world.parent_a)
    absence = Absence.objects.get(eleve=world.pupil_a)
    page.goto(f"{live_server.url}/appel/eleve/{world.pupil_a.pk}/")
    axe_check(page)
    page.get_by_role("link", name="Justifier").first.tap()
    page.get_by_label("Motif").select_option(label="Maladie")
    page.get_by_label("Commentaire").fill("Fièvre")
    pdf = tmp_path / "certificat.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.get_by_label("Justificatif (facultatif)").set_input_files(str(pdf))
    axe_check(page)
    page.get_by_role("button", name="Envoyer la justification").tap()
    expect(page.get_by_text("Justification envoyée à la vie scolaire.")).to_be_visible()
    absence.refresh_from_db()
    assert absence.state == Absence.State.EN_ATTENTE and absence.attachment_name == \
        "certificat.pdf"
    expect(page.get_by_role("link", name="Justificatif : certificat.pdf")).to_be_visible()


def test_cpe_board_on_a_phone(world, phone, live_server, sign_in, axe_check):
    from viescolaire.appel import services
    from viescolaire.appel.marks import MarkData

    seance = _today_seance(world)
    services.appel_marks_save(seance=seance, marks={world.pupil_a.pk: MarkData(absent=True)},
                              expected_version=0, validate=True, acting_user=world.teacher_a)
    page = sign_in(phone, world.cpe_a)
    page.goto(f"{live_server.url}/appel/etablissement/{world.etab_a.pk}/tableau/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tableau du jour")
    expect(page.locator("#board-grid")).to_contain_text("1 fait")
    expect(page.get_by_role("heading", name="Absences du jour (1)")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    axe_check(page)
    page.get_by_role("link", name="suivi").first.tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Absence de DUPONT Léa")
    axe_check(page)
