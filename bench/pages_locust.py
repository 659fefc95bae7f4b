"""Locust users of ``bench/pages.py`` (run by it, headless, against loopback only).

BENCH_USERS_FILE: the accounts and the pages each opens, written by ``bench/pages.py``.
BENCH_MODE: ``mix`` (1 s think time), ``saturation`` (none), ``login`` (log in, again and again).

Everyone connects from 127.0.0.1: the portal limits failed logins (ent.login_limits), not
successful ones per address. BENCH_LOGIN_ADDRESSES > 0 spreads users (127.0.0.10 and on) and
each login of the login run (the next of that many addresses, 127.0.1.1 and on) over loopback
addresses, for limits that would count per address.
"""

import itertools
import json
import os
import re

import gevent
import gevent.local
from geventhttpclient.connectionpool import ConnectionPool
from locust import constant, events, task
from locust.contrib.fasthttp import FastHttpSession, FastHttpUser

USERS = json.loads(open(os.environ["BENCH_USERS_FILE"]).read())  # noqa: SIM115
MODE = os.environ.get("BENCH_MODE", "mix")
# The pass measured: from the moment every user is logged in (the statistics are reset then),
# for this many seconds; Locust's own -t only bounds the whole.
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
USER_COUNT = int(os.environ.get("BENCH_USER_COUNT", "50"))
PAGES = set(filter(None, os.environ.get("BENCH_PAGES", "").split(","))) or None
LOGIN_ADDRESSES = int(os.environ.get("BENCH_LOGIN_ADDRESSES", "0"))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

_next_user = itertools.count()
_next_address = itertools.count()
_source = gevent.local.local()
_create_socket = ConnectionPool._create_tcp_socket


def _bound_socket(self, family, socktype, protocol):
    """Connections opened by a user's greenlet leave from that user's address."""
    sock = _create_socket(self, family, socktype, protocol)
    address = getattr(_source, "address", None)
    if address:
        sock.bind((address, 0))
    return sock


ConnectionPool._create_tcp_socket = _bound_socket


def login(client, account):
    """The login form as a browser sends it: read the page (CSRF token), post, follow nothing."""
    with client.get("/compte/login/", name="connexion (formulaire)", catch_response=True) as page:
        match = CSRF.search(page.text or "")
        if not match:
            page.failure("pas de jeton CSRF")
            return False
    with client.post("/compte/login/", name="connexion (POST)", allow_redirects=False,
                     catch_response=True,
                     data={"login": account["login"], "password": account["password"],
                           "csrfmiddlewaretoken": match.group(1)}) as answer:
        if answer.status_code != 302:
            answer.failure(f"connexion refusée ({answer.status_code})")
            return False
    return True


_ready = []


def _measure(environment):
    """Every user has a session: from now on, the pages only, for SECONDS."""
    environment.stats.reset_all()
    if os.environ.get("BENCH_MARK"):
        with open(os.environ["BENCH_MARK"], "w") as mark:
            mark.write("mesure")
    gevent.spawn_later(SECONDS, environment.runner.quit)


@events.test_start.add_listener
def _login_pass(environment, **kwargs):
    if MODE == "login":
        gevent.spawn_later(1, _measure, environment)


class PortalUser(FastHttpUser):
    wait_time = constant(1 if MODE == "mix" else 0)
    connection_timeout = 60.0
    network_timeout = 120.0

    def on_start(self):
        n = next(_next_user)
        self.account = USERS[n % len(USERS)]
        if MODE == "login":
            return
        if LOGIN_ADDRESSES:
            _source.address = f"127.0.0.{10 + n % 240}"
        self.logged_in = login(self.client, self.account)
        _ready.append(n)
        if len(_ready) == USER_COUNT:
            _measure(self.environment)

    @task
    def browse(self):
        if MODE == "login":
            return self.login_again()
        if not self.logged_in:
            self.logged_in = login(self.client, self.account)
            return None
        for name, path in self.account["pages"].items():
            if PAGES is not None and name not in PAGES:
                continue
            with self.client.get(path, name=name, catch_response=True) as page:
                if page.status_code != 200 or "/compte/login/" in str(getattr(page, "url", "")):
                    page.failure(f"réponse {page.status_code}")
            if self.wait_time():
                gevent.sleep(self.wait_time())
        return None

    def login_again(self):
        """A new visitor each time: a fresh session (cookies) from the next address."""
        n = next(_next_address)
        if LOGIN_ADDRESSES:
            k = n % LOGIN_ADDRESSES
            _source.address = f"127.0.{1 + k // 250}.{1 + k % 250}"
        self.account = USERS[n % len(USERS)]
        old = self.client
        self.client = FastHttpSession(
            base_url=self.host, request_event=self.environment.events.request, user=self,
            network_timeout=self.network_timeout, connection_timeout=self.connection_timeout,
            max_redirects=self.max_redirects, max_retries=self.max_retries,
            insecure=self.insecure, concurrency=1)
        old.client.close()
        login(self.client, self.account)
