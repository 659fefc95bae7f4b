"""Failed logins slow down who fails, never a whole school behind one address (ent.login_limits).

Each browser is its own test client: a school's pupils share one address, not one browser.
"""

import html
import ipaddress

import pytest
from django.test import Client
from django.urls import reverse

from annuaire.models import Population, Profile, Role
from ent import login_limits
from tests.factories import PASSWORD, PersonFactory, RoleFactory

LOGIN = reverse("account_login")
HOME = reverse("home")
SCHOOL_NAT = "192.0.2.10"
ELSEWHERE = "198.51.100.7"

pytestmark = pytest.mark.django_db


def browser(address=SCHOOL_NAT, **headers):
    return Client(REMOTE_ADDR=address, **headers)


def attempt(client, login, password=PASSWORD, **extra):
    return client.post(LOGIN, {"login": login, "password": password}, **extra)


def logged_in(response):
    return response.status_code == 302 and response["Location"] == HOME


def refusal(response):
    return html.unescape(response.content.decode())


def fail(login, times, *, address=SCHOOL_NAT, delayed_too=False):
    """``times`` wrong passwords; with ``delayed_too``, some may be refused unchecked."""
    guesser = browser(address)
    for _ in range(times):
        page = refusal(attempt(guesser, login, "pas-le-bon"))
        assert "incorrect" in page or (delayed_too and "Trop d'essais" in page)
    return guesser


@pytest.fixture
def class_of_30(world):
    pupils = []
    for n in range(30):
        pupil = PersonFactory(population=Population.ELEVE, profile=Profile.ELEVE,
                              login=f"eleve.classe{n}")
        RoleFactory(person=pupil, etablissement=world.etab_a, role=Role.Kind.ELEVE)
        pupils.append(pupil)
    return pupils


def test_a_class_of_30_logs_in_from_one_address_at_8(class_of_30, login_clock):
    """Ten of them mistype first, as children do: before, the tenth failure shut the door on
    every login from the school's address for a minute, right passwords included."""
    for n, pupil in enumerate(class_of_30):
        client = browser()
        if n % 3 == 0:
            assert "incorrect" in refusal(attempt(client, pupil.login, "motdepasse"))
        assert logged_in(attempt(client, pupil.login)), pupil.login
        login_clock.advance(1)


def test_a_whole_establishment_logs_in_within_a_minute_from_one_address(world, login_clock):
    """400 logins in a minute, 60 of them after a typo, from one NAT address (allauth's default
    allowed 30 a minute)."""
    people = PersonFactory.create_batch(400)
    for n, person in enumerate(people):
        client = browser()
        if n % 7 == 0:
            assert "incorrect" in refusal(attempt(client, person.login, "faux"))
        assert logged_in(attempt(client, person.login)), person.login
        login_clock.advance(0.15)


def test_five_wrong_passwords_do_not_stop_the_owner_from_another_address(world, login_clock):
    fail(world.teacher_a.login, 5)
    assert logged_in(attempt(browser(ELSEWHERE), world.teacher_a.login))


def test_the_owner_behind_the_same_address_waits_one_second_at_most(world, login_clock):
    fail(world.teacher_a.login, 5)
    owner = browser()
    page = refusal(attempt(owner, world.teacher_a.login))
    assert "Trop d'essais infructueux pour cet identifiant : réessayez dans 1 seconde." in page
    login_clock.advance(1)
    assert logged_in(attempt(owner, world.teacher_a.login))


def test_a_guesser_waits_a_doubling_delay_and_is_never_checked_meanwhile(world, login_clock,
                                                                          settings):
    settings.ENT_LOGIN_MAX_DELAY_SECONDS = 60
    login = world.teacher_a.login
    guesser = fail(login, 5)
    waits = []
    for _ in range(8):
        # The right password inside the delay is refused unchecked: a guess there tells nothing.
        page = refusal(attempt(guesser, login))
        assert "Trop d'essais infructueux" in page
        seconds = int(page.split("réessayez dans ")[1].split("\u202f")[0].split(" ")[0])
        waits.append(seconds)
        login_clock.advance(seconds)
        assert "incorrect" in refusal(attempt(guesser, login, "encore-faux"))
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60]
    # Never a lockout: once the longest delay has run, the right password gets in.
    login_clock.advance(60)
    assert logged_in(attempt(guesser, login))


def test_one_attempt_per_run_out_delay(world, login_clock):
    """Attempts arriving together when a delay ends do not all get checked."""
    login = world.teacher_a.login
    fail(login, 5)
    login_clock.advance(1)
    request = type("Request", (), {"COOKIES": {}, "META": {"REMOTE_ADDR": SCHOOL_NAT},
                                   "headers": {}})()
    first = login_limits.attempt_begin(request=request, login=login)
    with pytest.raises(login_limits.LoginDelayed):
        login_limits.attempt_begin(request=request, login=login)
    login_limits.attempt_succeeded(attempt=first)
    login_limits.attempt_begin(request=request, login=login)


def test_failures_spread_over_addresses_slow_the_account_down(world, settings, login_clock):
    login = world.teacher_a.login
    for n in range(settings.ENT_LOGIN_ACCOUNT_FAILURES_BEFORE_DELAY):
        fail(login, 1, address=f"203.0.113.{n + 1}")
    page = refusal(attempt(browser("203.0.113.200"), login))
    assert "réessayez dans 1 seconde" in page
    login_clock.advance(1)
    assert logged_in(attempt(browser("203.0.113.200"), login))


def test_the_owners_own_browser_is_never_slowed_by_others(world, login_clock):
    login = world.teacher_a.login
    phone = browser(ELSEWHERE)
    assert logged_in(attempt(phone, login))
    assert login_limits.DEVICE_COOKIE in phone.cookies
    phone.post(reverse("account_logout"))
    # Guessers at the school and all over the place push the account into long delays.
    fail(login, 10, delayed_too=True)
    for n in range(30):
        fail(login, 1, address=f"203.0.113.{n + 1}", delayed_too=True)
    assert "Trop d'essais" in refusal(attempt(browser(ELSEWHERE), login))
    # The owner's phone, at home or at school, gets in at once.
    assert logged_in(attempt(phone, login))
    phone.post(reverse("account_logout"))
    phone.defaults["REMOTE_ADDR"] = SCHOOL_NAT
    assert logged_in(attempt(phone, login))


def test_a_trusted_browser_has_its_own_delay(world, login_clock):
    login = world.teacher_a.login
    phone = browser(ELSEWHERE)
    assert logged_in(attempt(phone, login))
    phone.post(reverse("account_logout"))
    for _ in range(5):
        assert "incorrect" in refusal(attempt(phone, login, "faux"))
    assert "réessayez dans 1 seconde" in refusal(attempt(phone, login))
    # Its failures are its own: the owner elsewhere is not slowed by them.
    assert logged_in(attempt(browser(), login))


def test_a_forged_device_cookie_is_ignored(world, login_clock):
    login = world.teacher_a.login
    fail(login, 5)
    forged = browser()
    forged.cookies[login_limits.DEVICE_COOKIE] = "W1sidGVhY2hlciIsICJ4Il1d:forged"
    assert "Trop d'essais" in refusal(attempt(forged, login))


def test_one_address_trying_many_accounts_is_slowed_down(world, settings, login_clock):
    settings.ENT_LOGIN_ADDRESS_FAILURES = (50, 300)
    for n in range(50):
        fail(f"inconnu.{n}", 1)
    page = refusal(attempt(browser(), world.teacher_a.login))
    assert "Trop d'essais infructueux depuis votre réseau" in page
    # Elsewhere nothing changes, and a browser the owner trusts still gets in from there.
    phone = browser(ELSEWHERE)
    assert logged_in(attempt(phone, world.teacher_a.login))
    phone.post(reverse("account_logout"))
    phone.defaults["REMOTE_ADDR"] = SCHOOL_NAT
    assert logged_in(attempt(phone, world.teacher_a.login))
    # The window slides: once the failures are old enough, the address is free again.
    login_clock.advance(301)
    assert logged_in(attempt(browser(), world.teacher_a.login))


def test_x_forwarded_for_is_ignored_without_trusted_proxies(world, login_clock):
    login = world.teacher_a.login
    proxy = "10.0.0.9"
    guesser = browser(proxy)
    for n in range(5):
        attempt(guesser, login, "faux", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    # A header anyone can write is not an address: the same connection is the same client.
    owner = attempt(browser(proxy), login, HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert "Trop d'essais" in refusal(owner)


def test_x_forwarded_for_is_read_from_trusted_proxies(world, login_clock, settings):
    settings.ENT_TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/24")]
    login = world.teacher_a.login
    proxy = "10.0.0.9"
    guesser = browser(proxy)
    for _ in range(5):
        attempt(guesser, login, "faux", HTTP_X_FORWARDED_FOR=f"6.6.6.6, {SCHOOL_NAT}")
    assert "Trop d'essais" in refusal(
        attempt(browser(proxy), login, HTTP_X_FORWARDED_FOR=SCHOOL_NAT))
    # The owner elsewhere, behind the same proxy: the address the proxy saw is theirs.
    assert logged_in(attempt(browser(proxy), login, HTTP_X_FORWARDED_FOR=ELSEWHERE))


def test_a_password_reset_by_mail_forgets_the_accounts_failures(world, login_clock, mailoutbox):
    import re

    from allauth.account.models import EmailAddress

    login = world.teacher_a.login
    EmailAddress.objects.create(user=world.teacher_a, email="helene@example.org", verified=True)
    for n in range(20):
        fail(login, 1, address=f"203.0.113.{n + 1}")
    assert "Trop d'essais" in refusal(attempt(browser(ELSEWHERE), login))
    owner = browser(ELSEWHERE)
    owner.post(reverse("account_reset_password"), {"email": "helene@example.org"})
    link = re.search(r"https?://[^/\s]+(/compte/\S+)", mailoutbox[-1].body).group(1)
    form_url = owner.get(link, follow=True).redirect_chain[-1][0]
    new = "Un-nouveau-mot-de-passe-9"
    owner.post(form_url, {"password1": new, "password2": new})
    assert logged_in(attempt(browser(ELSEWHERE), login, new))


def test_password_reset_requests_from_one_address_are_sized_for_a_school(world, mailoutbox):
    """A class asking for reset links from the collège's address (allauth allowed 20 a minute)."""
    reset = reverse("account_reset_password")
    for n in range(40):
        response = browser().post(reset, {"email": f"eleve{n}@example.org"})
        assert response.status_code == 302, n
    # One address asked again and again: the refusal is French.
    for _ in range(3):
        browser().post(reset, {"email": "cible@example.org"})
    response = browser().post(reset, {"email": "cible@example.org"})
    assert response.status_code == 429
    assert "Trop de demandes" in refusal(response) and "Too Many" not in refusal(response)


def test_the_device_cookie_does_not_list_who_logged_in(world, login_clock):
    from django.core import signing

    phone = browser(ELSEWHERE)
    assert logged_in(attempt(phone, world.teacher_a.login))
    value = phone.cookies[login_limits.DEVICE_COOKIE]
    assert value["httponly"] and value["samesite"] == "Lax"
    entries = signing.loads(value.value, salt=login_limits.DEVICE_SALT)
    assert len(entries) == 1 and world.teacher_a.login not in str(entries)
