"""Every URL of the portal, swept by role (after Zulip's ``zerver/tests/test_urls.py``).

The table of who may reach what is ``tests/url_table.py`` (its docstring gives the format of a
line). This module fails when a pattern is missing from it, when a role gets another answer
than the table says (success, 404, the login redirect), and when a URL takes a POST without a
CSRF token. The world is built once for the module; each request runs in a savepoint that is
rolled back, so a POST that suspends or purges changes nothing for the next one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import url_table
from tests.url_sweep_world import ROLE_PEOPLE, build_sweep_world
from tests.url_table import ANONYMOUS, FOREIGN, FOREIGN_NAMESPACES, FORM, POST, ROLES, URLS

LOGIN = "login redirect"


@dataclass(frozen=True)
class Pattern:
    name: str | None
    route: str
    namespace: str | None

    def label(self) -> str:
        return f"{self.name or '(sans nom)'} ({self.route})"


def _walk(resolver: URLResolver, prefix: str = "", namespace: str | None = None,
          ) -> Iterator[Pattern]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, route, ns)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield Pattern(name, route, namespace)


def all_patterns() -> list[Pattern]:
    return list(_walk(get_resolver()))


def _declared(pattern: Pattern) -> bool:
    if pattern.namespace and pattern.namespace.split(":")[0] in FOREIGN_NAMESPACES:
        return True
    return pattern.name in URLS or pattern.name in FOREIGN


def test_every_url_pattern_is_in_the_table():
    missing = [p.label() for p in all_patterns() if not _declared(p)]
    assert not missing, (
        "URL absentes de tests/url_table.py (ajoutez une ligne par URL, format en tête du "
        "module) :\n  " + "\n  ".join(missing))


def test_the_table_names_only_existing_urls():
    names = {p.name for p in all_patterns()}
    stale = sorted((set(URLS) | set(FOREIGN)) - names)
    assert not stale, f"lignes de tests/url_table.py sans URL : {stale}"


def test_the_sweep_tells_a_missing_line(monkeypatch):
    monkeypatch.delitem(URLS, "home")
    with pytest.raises(AssertionError, match=r"home \(\)"):
        test_every_url_pattern_is_in_the_table()


# --- by role ---------------------------------------------------------------------------------

@dataclass
class Sweep:
    world: object
    clients: dict[str, Client]
    csrf_clients: dict[str, Client]


@pytest.fixture(scope="module")
def sweep(django_db_setup, django_db_blocker):
    """The world and one logged-in client per role, built once for the module in a transaction
    rolled back at its end; each test's own transaction (the ``db`` fixture) nests in it."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_sweep_world()
        clients, csrf_clients = {}, {}
        for role, person in ROLE_PEOPLE.items():
            clients[role] = Client()
            if person is not None:
                clients[role].force_login(getattr(world, person))
            csrf_clients[role] = Client(enforce_csrf_checks=True)
            csrf_clients[role].cookies = clients[role].cookies
        yield Sweep(world, clients, csrf_clients)
        transaction.set_rollback(True)


@pytest.fixture
def sweep_db(sweep, db):
    return sweep


def _request(client: Client, method: str, path: str, data=None):
    with transaction.atomic():
        response = client.get(path) if method == "GET" else client.post(path, data or {})
        transaction.set_rollback(True)
    return response


def _outcome(response) -> int | str:
    if response.status_code == 302 and response["Location"].startswith(
            resolve_url(settings.LOGIN_URL)):
        return LOGIN
    return response.status_code


def _expected_get(url: url_table.Url, role: str) -> set[int | str]:
    if role in url.status:
        return {url.status[role]}
    if url.method == POST:
        # The services gate answers 404 before the view's 405 to a profile without the service.
        return {405} if role in url.reach or role == ANONYMOUS else {404, 405}
    if role in url.reach:
        return {url.ok}
    return {LOGIN} if role == ANONYMOUS else {404}


def _expected_post(url: url_table.Url, role: str) -> set[int | str]:
    reach = url.reach if url.post_reach is None else url.post_reach
    if role in reach:
        return {200, 302, 400}  # 400: a form shown again with its errors
    return {LOGIN} if role == ANONYMOUS else {404}


def _path(name: str, world) -> str:
    url = URLS[name]
    path = reverse(name, kwargs=dict(url.kwargs(world)) if url.kwargs else None)
    return f"{path}?{url.query}" if url.query else path


@pytest.mark.parametrize("name", sorted(URLS))
def test_each_role_gets_what_the_table_says(name, sweep_db):
    world = sweep_db.world
    url, path = URLS[name], _path(name, world)
    wrong = []
    for role in ROLES:
        client = sweep_db.clients[role]
        got = _outcome(_request(client, "GET", path))
        expected = _expected_get(url, role)
        if got not in expected:
            wrong.append(f"GET {path} en tant que {role} : {got}, attendu "
                         f"{' ou '.join(map(str, sorted(expected, key=str)))}")
        if url.method in (FORM, POST):
            data = url.data(world) if url.data else None
            got = _outcome(_request(client, "POST", path, data))
            if got not in _expected_post(url, role):
                wrong.append(f"POST {path} en tant que {role} : {got}, attendu "
                             f"{' ou '.join(map(str, sorted(_expected_post(url, role), key=str)))}")
    assert not wrong, f"{name} ne suit pas tests/url_table.py :\n  " + "\n  ".join(wrong)


def _csrf_role(url: url_table.Url) -> str:
    """The role that would succeed, so that only the missing token explains a refusal."""
    return next((r for r in ROLES if r in url.reach), ANONYMOUS)


@pytest.mark.parametrize("name", sorted(URLS))
def test_post_without_csrf_token_is_refused(name, sweep_db):
    url = URLS[name]
    path = _path(name, sweep_db.world)
    response = _request(sweep_db.csrf_clients[_csrf_role(url)], "POST", path)
    assert response.status_code == 403, (
        f"{name} : un POST sans jeton CSRF sur {path} répond {response.status_code}, pas 403")


# --- URLs that are not ours --------------------------------------------------------------------

def _foreign_without_arguments() -> list[str]:
    names = []
    for pattern in all_patterns():
        if pattern.name in FOREIGN:
            try:
                reverse(pattern.name)
            except Exception:
                continue
            names.append(pattern.name)
    return sorted(set(names))


@pytest.mark.parametrize("name", _foreign_without_arguments())
def test_foreign_pages_answer_and_refuse_a_post_without_csrf(name, sweep_db):
    path = reverse(name)
    response = _request(Client(), "GET", path)
    assert response.status_code < 500, f"{name} ({path}) : {response.status_code}"
    response = _request(Client(enforce_csrf_checks=True), "POST", path)
    assert response.status_code in (403, 405), (
        f"{name} : un POST sans jeton CSRF sur {path} répond {response.status_code}")
