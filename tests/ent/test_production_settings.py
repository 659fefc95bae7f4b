"""Production defaults: a real key or no start, HTTPS on, a strict CSP, personal pages not stored.

The settings are read once per process: each case starts ``manage.py`` with its own environment.
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DATABASE_URL": "postgres://ent:ent@127.0.0.1:5432/ent",
    "ENT_ALLOWED_HOSTS": "ent.example.fr",
}
SHOW = ("from django.conf import settings as s; print(s.SECRET_KEY, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "getattr(s, 'SECURE_PROXY_SSL_HEADER', None))")


def manage(*args, tmp_path, **env):
    """``manage.py`` in a clean environment: none of the suite's variables, only ``env``."""
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE would be a deployment error of its own.
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("ENT_") and k not in (
                 "DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    clean.update(ENT_VAR_DIR=str(tmp_path / "var"), **env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=120)


def key():
    return secrets.token_urlsafe(50)


def shown(result):
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_check_deploy_finds_nothing_with_production_variables(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path,
                    ENT_SECRET_KEY=key(), **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(("secret", "why"), [
    (None, "ENT_SECRET_KEY n'est pas définie"),
    ("change-me", "ENT_SECRET_KEY est une clé connue"),
    ("insecure-dev-key-only-for-the-embedded-default-never-in-production",
     "ENT_SECRET_KEY est une clé connue"),
    ("django-insecure-" + "x1y2z3" * 10, "ENT_SECRET_KEY est une clé connue"),
    ("une-cle-maison-2026", "ENT_SECRET_KEY est trop courte"),
])
def test_a_deployment_without_a_real_key_refuses_to_start(tmp_path, secret, why):
    env = dict(PRODUCTION, **({"ENT_SECRET_KEY": secret} if secret else {}))
    result = manage("check", tmp_path=tmp_path, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: Démarrage refusé : " + why in result.stderr
    assert "ENT_DEV=1" in result.stderr


def test_the_embedded_default_makes_its_own_key_once_per_checkout(tmp_path):
    first = shown(manage("shell", "--no-imports", "-c", SHOW, tmp_path=tmp_path))
    again = shown(manage("shell", "--no-imports", "-c", SHOW, tmp_path=tmp_path))
    other = shown(manage("shell", "--no-imports", "-c", SHOW, tmp_path=tmp_path / "autre"))
    assert first[0] == again[0] != other[0] and len(first[0]) >= 50
    assert (tmp_path / "var" / "secret_key").stat().st_mode & 0o077 == 0
    # No HTTPS asked of a developer's runserver.
    assert first[1:] == ["False", "False", "False", "0", "None"]


def test_dev_mode_on_postgresql_starts_without_a_key(tmp_path):
    dev = shown(manage("shell", "--no-imports", "-c", SHOW, tmp_path=tmp_path, ENT_DEV="1",
                       **PRODUCTION))
    assert dev[1:] == ["False", "False", "False", "0", "None"]
    assert shown(manage("shell", "--no-imports", "-c", SHOW, tmp_path=tmp_path, ENT_DEBUG="1",
                        **PRODUCTION))[1:4] == ["False", "False", "False"]


def test_production_is_https_and_each_default_relaxes(tmp_path):
    secret = key()
    strict = shown(manage("shell", "--no-imports", "-c", SHOW, tmp_path=tmp_path, ENT_SECRET_KEY=secret,
                          **PRODUCTION))
    assert strict == [secret, "True", "True", "True", "31536000", "None"]
    relaxed = shown(manage("shell", "--no-imports", "-c", SHOW, tmp_path=tmp_path, ENT_SECRET_KEY=secret,
                           ENT_SECURE_COOKIES="0", ENT_SSL_REDIRECT="0", ENT_HSTS_SECONDS="0",
                           ENT_TLS_PROXY="1", **PRODUCTION))
    assert relaxed[1:5] == ["False", "False", "False", "0"]
    assert relaxed[5:] == ["('HTTP_X_FORWARDED_PROTO',", "'https')"]


def test_the_healthcheck_answers_over_plain_http(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("health")).status_code == 200
    assert client.get(reverse("account_login")).status_code == 301


# --- Content-Security-Policy and caching -------------------------------------------------------

TEMPLATES = ROOT / "templates"
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "script inline"),
    (re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I), "gestionnaire on…="),
    (re.compile(r"javascript:", re.I), "lien javascript:"),
    (re.compile(r"<style|\sstyle\s*=", re.I), "style inline"),
]


def test_no_template_holds_inline_script_or_style():
    """The pages the browser gets; the PDF templates are drawn by WeasyPrint on the server."""
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.name.endswith("_pdf.html"):
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(ROOT)} : {what}" for pattern, what in INLINE
                  if pattern.search(text)]
    assert not found, "\n".join(found)


def test_every_page_sends_a_policy_without_inline_code(client, world, login):
    for response in (client.get(reverse("account_login")),
                     login(world.teacher_a).get(reverse("home"))):
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


@pytest.mark.parametrize("url", [
    lambda w: reverse("home"),
    lambda w: reverse("annuaire:directory"),
    lambda w: reverse("annuaire:person", args=[w.pupil_a.pk]),
    lambda w: reverse("viescolaire:week_eleve", args=[w.pupil_a.pk]),
])
def test_pages_seen_signed_in_are_never_stored(world, login, url):
    response = login(world.principal_a).get(url(world))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_pages_seen_anonymously_are_left_as_they_are(client, world, login):
    assert "no-store" not in client.get("/nexistepas/").get("Cache-Control", "")
    assert "no-store" in login(world.pupil_a).get("/nexistepas/")["Cache-Control"]
