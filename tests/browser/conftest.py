"""Playwright on Debian's chromium, against the live test server."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium est absent (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()


def _page(browser, viewport, **kwargs):
    context = browser.new_context(viewport=viewport, locale="fr-FR", **kwargs)
    context.set_default_timeout(15000)
    page = context.new_page()
    # What the Content-Security-Policy blocked: a page that needs it is broken for users.
    page.csp_refusals = []
    page.on("console", lambda message: "Content Security Policy" in message.text
            and page.csp_refusals.append(message.text))
    return context, page


def _close(context, page):
    refusals = page.csp_refusals
    context.close()
    assert not refusals, "\n".join(refusals)


@pytest.fixture
def phone(browser):
    context, page = _page(browser, PHONE, is_mobile=True, has_touch=True)
    yield page
    _close(context, page)


@pytest.fixture
def desktop(browser):
    context, page = _page(browser, DESKTOP)
    yield page
    _close(context, page)


@pytest.fixture
def sign_in(live_server):
    from tests.factories import PASSWORD

    def _sign_in(page, person, password=PASSWORD):
        page.goto(f"{live_server.url}/compte/login/")
        page.get_by_label("Identifiant").fill(person.login)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return _sign_in


@pytest.fixture
def axe_check():
    """Run axe-core on the page; fail on any serious or critical violation."""
    source = AXE.read_text()

    def _check(page):
        # Evaluated, not added as an inline <script>: the portal's CSP refuses those.
        page.evaluate(source)
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        bad = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert not bad, "\n".join(bad)

    return _check
