#!/usr/bin/env python
"""The portal's pages under load at the size of an académie, printed, never asserted.

    python bench/pages.py                      # 1 000 000 accounts and the demo académie
    python bench/pages.py --accounts 100000 --duration 30

For each database (the académie of ``bench/aaf_import.py``, then the demo académie of
``make demo``), in PostgreSQL databases of its own that it creates once and reuses:
gives the largest establishment a validated timetable, gives 50 people of mixed roles a known
password, serves the portal with gunicorn as the image does (``Dockerfile``: production
settings, its workers and threads), and runs Locust headless on loopback, bounded in time:
50 logged-in users with a 1 s think time over home, directory, person card and week pages;
the same without think time (saturation); 20 clients logging in and out (logins/s). Then
``EXPLAIN ANALYZE`` of the directory query for a pupil and the académie admin, and of the
login lookup, built by the code's own selectors.
"""

import argparse
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
PYTHON = sys.executable
BIN = Path(PYTHON).parent

BENCH_PASSWORD = "bench-ENT-2026"
ADMIN_LOGINS = ("bench.admin1", "bench.admin2")
# Who the 50 users are: pupils, parents, teachers, principals of the largest establishment,
# and the académie's administrators.
MIX = {"eleve": 20, "parent": 15, "enseignant": 10, "direction": 3, "admin": 2}
PAGES = [
    ("accueil", "Accueil"),
    ("annuaire_vide", "Annuaire, recherche vide"),
    ("annuaire_nom", "Annuaire, un nom courant"),
    ("annuaire_filtre", "Annuaire, un filtre"),
    ("fiche", "Fiche d'une personne"),
    ("semaine", "Semaine (emploi du temps)"),
]


# --- Orchestration (no Django in this process) ---------------------------------------------
def fr(value, digits=0):
    text = f"{value:,.{digits}f}".replace(",", " ")
    return text.replace(".", ",")


def psql(url, sql, *, fetch=False):
    out = subprocess.run(["psql", url, "-X", "-q", "-t", "-A", "-c", sql], check=True,
                         capture_output=True, text=True)
    return out.stdout.strip() if fetch else None


def admin_url(url):
    return url.rsplit("/", 1)[0] + "/postgres"


def db_marker(url):
    """The JSON comment this bench leaves on a database it finished preparing."""
    name = url.rsplit("/", 1)[1]
    try:
        value = psql(admin_url(url), "SELECT shobj_description(oid, 'pg_database') FROM "
                     f"pg_database WHERE datname = '{name}'", fetch=True)
    except subprocess.CalledProcessError:
        return None
    try:
        return json.loads(value) if value else None
    except ValueError:
        return None


def db_mark(url, marker):
    name = url.rsplit("/", 1)[1]
    text = json.dumps(marker).replace("'", "''")
    psql(admin_url(url), f"COMMENT ON DATABASE {name} IS '{text}'")


def db_recreate(url):
    name = url.rsplit("/", 1)[1]
    psql(admin_url(url), f"DROP DATABASE IF EXISTS {name}")
    psql(admin_url(url), f"CREATE DATABASE {name}")


def django_env(url, options):
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "ent.settings",
           "CELERY_BROKER_URL": options.redis_url, "ENT_CACHE_URL": options.redis_url,
           "ENT_SECRET_KEY": "bench-pages-secret-key-not-for-production-0123456789",
           "ENT_LOG_LEVEL": "ERROR", "PYTHONPATH": str(ROOT),
           # Production settings, over plain HTTP on loopback (docker-compose.yml's way of
           # trying the stack without a certificate).
           "ENT_SSL_REDIRECT": "0", "ENT_SECURE_COOKIES": "0", "ENT_HSTS_SECONDS": "0"}
    for name in ("ENT_FAST_PASSWORD_HASHER", "ENT_DEBUG"):
        env.pop(name, None)
    return env


def manage(env, *args, quiet=True):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL if quiet else None)


def prepare_million(options, env, log):
    """The académie of ``bench/aaf_import.py`` (same files, same generator), imported once."""
    import aaf_import

    url = options.database_url
    marker = {"kind": "aaf", "accounts": options.accounts, "seed": options.seed}
    if db_marker(url) != marker or options.fresh:
        out = options.out / f"aaf-{options.accounts}"
        out.mkdir(parents=True, exist_ok=True)
        plain = {**env}
        plain.pop("CELERY_BROKER_URL", None)
        log(f"génération des fichiers AAF ({fr(options.accounts)} comptes)…")
        aaf_import.generate(out, options.accounts, options.seed, 0.01, plain)
        db_recreate(url)
        manage(plain, "migrate", "-v", "0")
        log("import AAF Complet…")
        started = time.monotonic()
        aaf_import.import_step(out / "complet", plain)
        log(f"  importé en {time.monotonic() - started:.0f} s ; VACUUM (ANALYZE)…")
        psql(url, "VACUUM (ANALYZE)")
        db_mark(url, marker)
    manage(env, "migrate", "-v", "0")
    step(env, "timetable", options)


def prepare_demo(options, env, log):
    url = options.demo_database_url
    marker = {"kind": "demo"}
    if db_marker(url) != marker or options.fresh:
        db_recreate(url)
        manage(env, "migrate", "-v", "0")
        log("académie de démonstration (demo_setup)…")
        plain = {**env}
        plain.pop("CELERY_BROKER_URL", None)
        manage(plain, "demo_setup", "--out", str(options.out / "demo"))
        psql(url, "VACUUM (ANALYZE)")
        db_mark(url, marker)
    manage(env, "migrate", "-v", "0")


def step(env, name, options, *extra):
    """Run one of this file's Django steps in a process of its own; its JSON answer."""
    result = subprocess.run(
        [PYTHON, __file__, "--step", name, "--out", str(options.out), *extra],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    if result.stderr.strip():
        sys.stderr.write(result.stderr)
    return json.loads(result.stdout or "null")


def gunicorn_args(port):
    """The web server the image runs: its workers and options, bound to loopback."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    workers = re.search(r"WEB_CONCURRENCY=(\d+)", dockerfile).group(1)
    options = re.search(r'GUNICORN_CMD_ARGS="([^"]*)"', dockerfile).group(1).split()
    kept, skip = [], False
    for item in options:
        if skip:
            skip = False
            continue
        if item == "--bind":
            skip = True
            continue
        kept.append(item)
    return ["--bind", f"127.0.0.1:{port}", "--workers", workers, *kept], int(workers)


# Settings of docker-compose.yml's postgres command that a database can take for its own
# (the others, shared_buffers or max_wal_size, are the server's: the bench cannot change them).
PLANNER_SETTINGS = ("jit", "random_page_cost", "effective_cache_size", "work_mem")


def planner_settings():
    """The planner settings docker-compose.yml gives PostgreSQL, as (name, value) pairs."""
    compose = (ROOT / "docker-compose.yml").read_text()
    return [(name, value) for name, value in re.findall(r'"-c", "(\w+)=([^"]+)"', compose)
            if name in PLANNER_SETTINGS]


def planner_apply(url, options):
    name = url.rsplit("/", 1)[1]
    psql(admin_url(url), f"ALTER DATABASE {name} RESET ALL")
    if options.planner == "server":
        return
    for setting, value in planner_settings():
        psql(admin_url(url), f"ALTER DATABASE {name} SET {setting} = '{value}'")


class Server:
    def __init__(self, env, port, out):
        self.env, self.port, self.out = env, port, out
        self.proc = None

    def __enter__(self):
        args, self.workers = gunicorn_args(self.port)
        self.log = open(self.out / f"gunicorn-{self.port}.log", "w")
        self.proc = subprocess.Popen([str(BIN / "gunicorn"), "ent.wsgi:application", *args],
                                     cwd=ROOT, env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/sante/", timeout=5):
                    return self
            except OSError:
                if self.proc.poll() is not None:
                    raise SystemExit(f"gunicorn s'est arrêté : voir {self.log.name}") from None
                time.sleep(0.5)
        raise SystemExit("gunicorn ne répond pas après 60 s")

    def usage(self):
        """CPU seconds the portal used so far (gunicorn's processes and the PostgreSQL
        backends of its database) and the requests its access log holds (pages, logins)."""
        pids = _process_tree(self.proc.pid)
        name = self.env["DATABASE_URL"].rsplit("/", 1)[1]
        backends = psql(admin_url(self.env["DATABASE_URL"]),
                        f"SELECT pid FROM pg_stat_activity WHERE datname = '{name}'", fetch=True)
        pids += [int(pid) for pid in backends.split()]
        self.log.flush()
        lines = Path(self.log.name).read_text(errors="replace").splitlines()
        requests = [line for line in lines if ' "GET ' in line or ' "POST ' in line]
        return {"cpu": _cpu_seconds(pids),
                "requests": sum(1 for line in requests if "/sante/" not in line),
                "logins": sum(1 for line in requests if '"POST /compte/login/' in line)}

    def __exit__(self, *exc):
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.log.close()


def _process_tree(root):
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _cpu_seconds(pids):
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def flush_cache(options):
    """Rate-limit counters and cached blocks of the previous run go (this bench's Redis db)."""
    subprocess.run(["redis-cli", "-u", options.redis_url, "FLUSHDB"], check=True,
                   stdout=subprocess.DEVNULL)


def locust(options, *, server, users_file, mode, users, seconds, label):
    prefix = options.out / "locust" / label
    prefix.parent.mkdir(parents=True, exist_ok=True)
    mark = Path(f"{prefix}.mark")
    mark.unlink(missing_ok=True)
    env = {**os.environ, "BENCH_USERS_FILE": str(users_file), "BENCH_MODE": mode,
           "BENCH_LOGIN_ADDRESSES": str(options.login_addresses), "BENCH_SECONDS": str(seconds),
           "BENCH_USER_COUNT": str(users), "BENCH_PAGES": ",".join(options.pages),
           "BENCH_MARK": str(mark)}
    port = server.port
    proc = subprocess.Popen(
        [str(BIN / "locust"), "-f", str(ROOT / "bench" / "pages_locust.py"), "--headless",
         "--host", f"http://127.0.0.1:{port}", "-u", str(users), "-r", str(users),
         # Logging 50 users in comes first, outside the measure: time for it, within bounds.
         "-t", f"{seconds + 300}s", "--stop-timeout", "10", "--csv", str(prefix),
         "--only-summary", "--loglevel", "ERROR"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=open(f"{prefix}.log", "w"))  # noqa: SIM115
    # The server's CPU and requests while Locust measures (from its mark to its end): what
    # one request costs, whatever else the machine runs.
    start = None
    while proc.poll() is None:
        if start is None and mark.exists():
            start = server.usage()
        time.sleep(0.2)
    usage = None
    if start is not None:
        end = server.usage()
        usage = {key: end[key] - start[key] for key in end}
    def number(value):
        try:
            return float(value)
        except ValueError:  # « N/A »: no request of that name in the pass
            return 0.0

    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]), "errors": int(row["Failure Count"]),
                "p50": number(row["50%"]), "p95": number(row["95%"]),
                "p99": number(row["99%"]), "rps": number(row["Requests/s"])}
    rows["usage"] = usage
    return rows


def run_database(options, *, label, url, port, log):
    env = django_env(url, options)
    (options.out / "locust").mkdir(parents=True, exist_ok=True)
    log(f"{label} : préparation…")
    if label == "million":
        prepare_million(options, env, log)
    else:
        prepare_demo(options, env, log)
    if options.prepare_only:
        return None
    planner_apply(url, options)
    users = step(env, "accounts", options)
    users_file = options.out / f"users-{label}.json"
    users_file.write_text(json.dumps(users, ensure_ascii=False, indent=1))
    figures = {"users": users, "counts": step(env, "counts", options)}
    for mode, n, seconds in (("mix", 50, options.duration),
                             ("saturation", 50, options.saturation_duration),
                             ("login", 20, options.login_duration)):
        if mode not in options.passes:
            figures[mode] = {}
            continue
        flush_cache(options)
        # A server of its own for each pass: requests a pass's clients gave up on would
        # otherwise still hold the workers at the start of the next.
        with Server(env, port, options.out) as server:
            figures["workers"] = server.workers
            log(f"{label} : Locust {mode} ({n} utilisateurs, {seconds} s)…")
            figures[mode] = locust(options, server=server, users_file=users_file, mode=mode,
                                   users=n, seconds=seconds, label=f"{label}-{mode}")
    figures["explain"] = step(env, "explain", options, "--users-file", str(users_file))
    return figures


# --- Printing -------------------------------------------------------------------------------
def print_run(title, figures, options):
    counts = figures["counts"]
    print(f"\n{title} : {fr(counts['persons'])} personnes, {fr(counts['etabs'])} établissements ; "
          f"le plus grand, {counts['etab_name']} : {fr(counts['etab_people'])} personnes, "
          f"{fr(counts['seances'])} séances")
    print(f"  gunicorn : {figures.get('workers', '?')} processus (Dockerfile) ; utilisateurs : "
          + ", ".join(f"{n} {role}" for role, n in counts["mix"].items()))
    if figures["mix"]:
        print_mix(figures["mix"], options)
    if figures["saturation"]:
        sat = figures["saturation"].get("Aggregated", {})
        sat_errors = sum(v["errors"] for k, v in figures["saturation"].items()
                         if k in dict(PAGES))
        print(f"\n  Saturation (50 utilisateurs sans réflexion, {options.saturation_duration} s) : "
              f"{fr(sat.get('rps', 0), 1)} requêtes/s, p50 {fr(sat.get('p50', 0))} ms, "
              f"p95 {fr(sat.get('p95', 0))} ms, {fr(sat_errors)} erreurs"
              + cpu_line(figures["saturation"].get("usage"), "requests"))
    if figures["login"]:
        login = figures["login"].get("connexion (POST)", {})
        where = (f"adresses 127.0.x.y tournantes parmi {options.login_addresses}"
                 if options.login_addresses else "depuis 127.0.0.1")
        print(f"  Connexions (20 clients, {options.login_duration} s, {where}) : "
              f"{fr(login.get('rps', 0), 1)} "
              f"connexions/s, p50 {fr(login.get('p50', 0))} ms, p95 {fr(login.get('p95', 0))} ms, "
              f"{fr(login.get('errors', 0))} erreurs sur {fr(login.get('requests', 0))}"
              + cpu_line(figures["login"].get("usage"), "logins"))


def cpu_line(usage, what):
    """The portal's CPU per request measured during the pass, and what 2 idle cores give."""
    count = usage and usage[what]
    if not count:
        return ""
    per = usage["cpu"] / count
    cores = os.cpu_count()
    unit = "connexion" if what == "logins" else "requête"
    return (f"\n    CPU du portail (gunicorn et PostgreSQL) : {fr(per * 1000, 1)} ms par {unit} "
            f"({fr(usage['cpu'], 1)} s pour {fr(count)}) ; {cores} cœurs libres en feraient "
            f"{fr(cores / per)} par seconde")


def print_mix(mix, options):
    print(f"\n  Mélange, 50 utilisateurs connectés, 1 s de réflexion, {options.duration} s :")
    print(f"    {'page':<28} {'requêtes':>9} {'erreurs':>8} {'p50':>7} {'p95':>7} {'p99':>7}")
    for key, name in PAGES:
        row = mix.get(key)
        if row is None:
            continue
        print(f"    {name:<28} {fr(row['requests']):>9} {fr(row['errors']):>8} "
              f"{fr(row['p50']):>4} ms {fr(row['p95']):>4} ms {fr(row['p99']):>4} ms")
    total = mix.get("Aggregated", {})
    errors = sum(v["errors"] for k, v in mix.items() if k in dict(PAGES))
    print(f"    {'Ensemble':<28} {fr(total.get('requests', 0)):>9} {fr(errors):>8} "
          f"{fr(total.get('p50', 0)):>4} ms {fr(total.get('p95', 0)):>4} ms "
          f"{fr(total.get('p99', 0)):>4} ms   {fr(total.get('rps', 0), 1)} requêtes/s"
          + cpu_line(mix.get("usage"), "requests"))


def print_ratio(million, demo):
    print("\nMédianes, un million de comptes / démo :")
    for key, name in PAGES:
        a, b = million["mix"].get(key), demo["mix"].get(key)
        if a and b and b["p50"]:
            print(f"    {name:<28} {fr(a['p50']):>6} ms / {fr(b['p50']):>4} ms = "
                  f"{fr(a['p50'] / b['p50'], 2)} ×")


def print_explain(title, plans):
    print(f"\nEXPLAIN ANALYZE, {title} :")
    for item in plans:
        seq = " ; PARCOURS SÉQUENTIEL de annuaire_person" if item["seq_person"] else ""
        print(f"\n  {item['label']} ({fr(item['ms'], 1)} ms{seq})")
        for line in item["plan"]:
            print(f"    {line}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default="postgres://root@127.0.0.1:5432/ent_bench_pages")
    parser.add_argument("--demo-database-url",
                        default="postgres://root@127.0.0.1:5432/ent_bench_pages_demo")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6",
                        help="cache et file d'attente du portail servi (vidée à chaque passe)")
    parser.add_argument("--port", type=int, default=8160)
    parser.add_argument("--duration", type=int, default=60, help="passe mélangée, en secondes")
    parser.add_argument("--saturation-duration", type=int, default=30)
    parser.add_argument("--login-duration", type=int, default=30)
    parser.add_argument("--login-addresses", type=int, default=0,
                        help="adresses de bouclage (127.0.1.1 et suivantes) d'où viennent les "
                             "connexions à tour de rôle, et une par utilisateur (127.0.0.10 et "
                             "suivantes) ; 0 : toutes de 127.0.0.1")
    parser.add_argument("--planner", choices=["compose", "server"], default="compose",
                        help="réglages du planificateur : ceux de docker-compose.yml, ou ceux "
                             "du serveur tels quels (pour mesurer un code qui n'en dépend pas)")
    parser.add_argument("--passes", type=lambda v: v.split(","),
                        default=["mix", "saturation", "login"],
                        help="passes à faire, parmi mix,saturation,login (toutes par défaut)")
    parser.add_argument("--pages", type=lambda v: v.split(","), default=[k for k, _ in PAGES],
                        help="pages parcourues, parmi " + ",".join(k for k, _ in PAGES))
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--skip-million", action="store_true")
    parser.add_argument("--fresh", action="store_true", help="recrée les bases")
    parser.add_argument("--prepare-only", action="store_true",
                        help="prépare les bases sans rien mesurer")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--users-file", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.step:
        return django_step(options)
    if not shutil.which("psql") or not (BIN / "locust").exists():
        raise SystemExit("Il faut psql et locust (make install).")
    options.out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    def log(text):
        print(f"[{time.monotonic() - started:6.0f} s] {text}", file=sys.stderr, flush=True)

    load = os.getloadavg()
    results = {}
    if options.prepare_only:
        for label, url in (("million", options.database_url), ("demo", options.demo_database_url)):
            if not getattr(options, f"skip_{label}"):
                run_database(options, label=label, url=url, port=options.port, log=log)
        return None
    if not options.skip_million:
        results["million"] = run_database(options, label="million", url=options.database_url,
                                          port=options.port, log=log)
    if not options.skip_demo:
        results["demo"] = run_database(options, label="demo", url=options.demo_database_url,
                                       port=options.port + 1, log=log)
    print(f"Pages du portail sous charge ({os.cpu_count()} cœurs ; charge moyenne au départ "
          f"{fr(load[0], 1)}, à la fin {fr(os.getloadavg()[0], 1)})")
    if options.planner == "compose":
        print("Réglages de PostgreSQL repris de docker-compose.yml pour ces bases : "
              + ", ".join(f"{k} = {v}" for k, v in planner_settings()))
    else:
        print("Réglages de PostgreSQL : ceux du serveur, tels quels")
    titles = {"million": f"Académie de {fr(options.accounts)} comptes",
              "demo": "Académie de démonstration"}
    for label, figures in results.items():
        print_run(titles[label], figures, options)
    if len(results) == 2:
        print_ratio(results["million"], results["demo"])
    for label, figures in results.items():
        print_explain(titles[label], figures["explain"])
    (options.out / "pages.json").write_text(json.dumps(results, indent=1, default=str))


# --- Django steps, each in a process of its own (DATABASE_URL chooses the database) --------
def django_step(options):
    import django

    django.setup()
    result = {"timetable": step_timetable, "accounts": step_accounts, "counts": step_counts,
              "explain": step_explain}[options.step](options)
    print(json.dumps(result, default=str))


def largest_etab():
    from django.db.models import Count

    from annuaire.models import Etablissement, Role

    row = (Role.objects.filter(role=Role.Kind.ELEVE, person__deactivated_at__isnull=True)
           .values("etablissement_id").annotate(n=Count("id")).order_by("-n", "etablissement_id")
           .first())
    return Etablissement.objects.get(pk=row["etablissement_id"])


def step_timetable(options):
    """The largest establishment's timetable: generated from its directory and validated
    through the real import, once."""
    from viescolaire.models import Cours

    etab = largest_etab()
    if Cours.objects.filter(etablissement=etab).exists():
        return None
    path = options.out / f"edt-{etab.uai}.xml"
    for command in (["generate_timetable", "--etab", etab.uai, str(path)],
                    ["import_timetable", str(path), "--validate", "--json"]):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    return None


def bench_week():
    """The first week after this one with séances (a whole week, wherever the import began)."""
    import datetime

    from django.utils import timezone

    from ent.dates import monday_of
    from viescolaire.models import Seance

    start = monday_of(timezone.localdate()) + datetime.timedelta(days=7)
    first = Seance.objects.filter(date__gte=start).order_by("date").values_list(
        "date", flat=True).first()
    return monday_of(first or start)


def step_accounts(options):
    """50 people of mixed roles, active, with a known password, and the pages each opens."""
    from collections import Counter

    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from annuaire.models import (
        Enseignement,
        Inscription,
        Parente,
        Person,
        Population,
        Profile,
        Regroupement,
        Role,
        RoleSource,
    )
    from annuaire.text import search_terms

    etab = largest_etab()
    monday = bench_week().isoformat()
    R = Role.Kind
    active = {"person__deactivated_at__isnull": True, "person__suspended_at__isnull": True}

    def people_with(kind, n):
        return list(Role.objects.filter(etablissement=etab, role=kind, **active)
                    .order_by("person_id").values_list("person_id", flat=True)[:n])

    divisions = list(Regroupement.objects.filter(
        etablissement=etab, nature=Regroupement.Nature.DIVISION).order_by("code"))
    # A common name: the most frequent last name among the establishment's people.
    names = Counter(Person.objects.filter(roles__etablissement=etab).values_list(
        "last_name", flat=True))
    common = next(name for name, _ in names.most_common() if search_terms(name))
    common_q = search_terms(common)[0]

    with transaction.atomic():
        admins = []
        for n, login in enumerate(ADMIN_LOGINS[:MIX["admin"]], start=1):
            person = Person.objects.filter(login=login).first() or Person.objects.create_user(
                login, None, first_name="Banc", last_name=f"Rectorat {n}",
                population=Population.LOCAL, profile=Profile.PERSONNEL)
            Role.objects.get_or_create(person=person, etablissement=None,
                                       role=R.ADMIN_ACADEMIQUE,
                                       defaults={"source": RoleSource.MANUEL})
            admins.append(person.pk)
        picks = {
            "eleve": people_with(R.ELEVE, MIX["eleve"]),
            "enseignant": [pk for pk in people_with(R.ENSEIGNANT, 500)
                           if Enseignement.objects.filter(enseignant_id=pk).exists()
                           ][:MIX["enseignant"]],
            "direction": (people_with(R.DIRECTION, MIX["direction"])
                          + people_with(R.VIE_SCOLAIRE, MIX["direction"]))[:MIX["direction"]],
            "admin": admins,
        }
        parents = list(Parente.objects.filter(
            representant_legal=True, eleve__roles__etablissement=etab,
            eleve__deactivated_at__isnull=True, responsable__deactivated_at__isnull=True,
            responsable__suspended_at__isnull=True).order_by("responsable_id")
            .values_list("responsable_id", "eleve_id")[:500])
        child_of = {}
        for parent_id, eleve_id in parents:
            child_of.setdefault(parent_id, eleve_id)
        picks["parent"] = list(child_of)[:MIX["parent"]]
        everyone = [pk for pks in picks.values() for pk in pks]
        # One hash for all: the hasher and its cost are the settings' own; the logins still
        # verify it each time.
        Person.objects.filter(pk__in=everyone).update(
            password=make_password(BENCH_PASSWORD), activated_at=timezone.now(),
            is_active=True, suspended_at=None)

    logins = dict(Person.objects.filter(pk__in=everyone).values_list("pk", "login"))
    division_of = dict(Inscription.objects.filter(
        eleve_id__in=picks["eleve"] + list(child_of.values()),
        regroupement__nature=Regroupement.Nature.DIVISION).values_list("eleve_id",
                                                                      "regroupement_id"))
    taught = dict(Enseignement.objects.filter(enseignant_id__in=picks["enseignant"]).order_by(
        "regroupement_id").values_list("enseignant_id", "regroupement_id"))
    users = []
    for role, pks in picks.items():
        for n, pk in enumerate(pks):
            pages = {"accueil": "/", "annuaire_vide": "/annuaire/",
                     "annuaire_nom": f"/annuaire/?q={common_q}"}
            division = divisions[n % len(divisions)].pk if divisions else None
            if role == "eleve":
                mate = Inscription.objects.filter(regroupement_id=division_of.get(pk)).exclude(
                    eleve_id=pk).order_by("eleve_id").values_list("eleve_id", flat=True).first()
                card, week = mate or pk, f"/emploi-du-temps/eleve/{pk}/"
            elif role == "parent":
                card, week = child_of[pk], f"/emploi-du-temps/eleve/{child_of[pk]}/"
            elif role == "enseignant":
                card = Inscription.objects.filter(regroupement_id=taught.get(pk)).order_by(
                    "eleve_id").values_list("eleve_id", flat=True).first() or pk
                week = f"/emploi-du-temps/enseignant/{pk}/"
            else:
                card = picks["enseignant"][n % len(picks["enseignant"])]
                week = f"/emploi-du-temps/regroupement/{division}/"
            if role in ("direction", "admin"):
                where = f"etab={etab.pk}&" if role == "admin" else ""
                pages["annuaire_filtre"] = f"/annuaire/?{where}division={division}"
            else:
                pages["annuaire_filtre"] = "/annuaire/?profile=enseignant"
            pages["fiche"] = f"/annuaire/personne/{card}/"
            pages["semaine"] = f"{week}?semaine={monday}"
            users.append({"login": logins[pk], "password": BENCH_PASSWORD, "role": role,
                          "pk": pk, "pages": pages})
    return users


def step_counts(options):
    from annuaire.models import Etablissement, Person, Role
    from viescolaire.models import Seance

    etab = largest_etab()
    return {
        "persons": Person.objects.count(), "etabs": Etablissement.objects.count(),
        "etab_name": etab.name,
        "etab_people": Role.objects.filter(etablissement=etab).values("person_id").distinct()
        .count(),
        "seances": Seance.objects.filter(cours__etablissement=etab).count(),
        "mix": MIX,
    }


def explain(sql, label):
    from django.db import connection

    with connection.cursor() as cursor:
        for _ in range(2):  # the second run, caches warm, as a page served all day finds them
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = [row[0] for row in cursor.fetchall()]
    ms = next((float(line.split(":")[1].split()[0]) for line in plan
               if line.startswith("Execution Time")), 0.0)
    return {"label": label, "ms": ms, "plan": plan,
            "seq_person": any("Seq Scan on annuaire_person " in line
                              or line.rstrip().endswith("Seq Scan on annuaire_person")
                              for line in plan)}


def step_explain(options):
    """The directory page's queries, as the view builds them (selectors, paginator), for a
    pupil and an académie administrator, and the login lookup, as allauth makes it."""
    from allauth.account.internal.userkit import get_user_by_username
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from annuaire import selectors
    from annuaire.models import Person
    from annuaire.paging import CappedPaginator
    from annuaire.views.directory import COUNT_CAP, PAGE_SIZE

    users = json.loads(Path(options.users_file).read_text())
    plans = []
    # The académie's administrators also search a name over the whole académie: the pg_trgm
    # index, not a scan.
    cases = (("eleve", "d'un élève", None), ("admin", "de l'administrateur académique", None),
             ("admin", "de l'administrateur académique, « martin » partout", "martin"))
    for role, who, q in cases:
        user = next(u for u in users if u["role"] == role)
        viewer = Person.objects.get(pk=user["pk"])
        etabs = list(selectors.directory_etabs(viewer=viewer))
        etab = etabs[0] if etabs and q is None else None
        people = selectors.directory_search(viewer=viewer, etab=etab,
                                            filters=selectors.DirectoryFilters(q=q or ""))
        with CaptureQueriesContext(connection) as queries:
            page = CappedPaginator(people, PAGE_SIZE, cap=COUNT_CAP).get_page(1)
            list(page.object_list)
        names = ["compte", "page"] if len(queries) == 2 else [
            f"requête {n}" for n in range(1, len(queries) + 1)]
        for name, query in zip(names, queries.captured_queries, strict=True):
            plans.append(explain(query["sql"], f"Annuaire {who}, {name}"))
    user = users[0]
    with CaptureQueriesContext(connection) as queries:
        get_user_by_username(user["login"].upper())
    plans.append(explain(queries.captured_queries[-1]["sql"],
                         f"Recherche du compte à la connexion (« {user['login'].upper()} »)"))
    return plans


if __name__ == "__main__":
    main()
