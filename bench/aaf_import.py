#!/usr/bin/env python
"""Figures of the AAF import at the size of an académie, printed, never asserted.

    python bench/aaf_import.py [--accounts 1000000] [--database-url postgres://…/ent_bench]

Generates an académie (about one establishment per 1,000 accounts) and a Delta changing 1% of
its records, then measures on a fresh PostgreSQL database, each step in its own process:
parse throughput, the first Complet import end to end, a rerun of the same files, the Delta,
peak RSS of the importing processes, and the floor — the same files parsed by lxml alone plus
COPY of as many rows as the first import wrote into an unindexed table.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def run_measured(args, env):
    """Run a command; return (seconds, peak RSS of its process tree in MB, stdout)."""
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    started = time.monotonic()
    sampler.start()
    out, err = proc.communicate()
    elapsed = time.monotonic() - started
    done.set()
    sampler.join()
    if proc.returncode not in (0, 2):
        sys.stderr.write(err.decode(errors="replace"))
        raise SystemExit(f"échec de {' '.join(args)}")
    return elapsed, peak[0] / 1024, out.decode()


def _tree_rss_kb(root):
    children = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, ()))
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def psql(url, sql):
    admin = url.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", admin, "-q", "-c", sql], check=True, stdout=subprocess.DEVNULL)


def psql_db(url, sql):
    subprocess.run(["psql", url, "-q", "-c", sql], check=True, stdout=subprocess.DEVNULL)


def generate(out, accounts, seed, delta, env):
    marker = out / "params.json"
    params = {"accounts": accounts, "seed": seed, "delta": delta}
    if marker.exists() and json.loads(marker.read_text()) == params:
        return 0.0
    started = time.monotonic()
    subprocess.run([PYTHON, "manage.py", "generate_aaf", str(out / "complet"), "--accounts",
                    str(accounts), "--seed", str(seed), "--date", "20260915"],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([PYTHON, "manage.py", "generate_aaf", str(out / "delta"), "--accounts",
                    str(accounts), "--seed", str(seed), "--delta", str(delta),
                    "--date", "20260916"],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    marker.write_text(json.dumps(params))
    return time.monotonic() - started


def import_step(folder, env, *extra):
    elapsed, rss, out = run_measured(
        [PYTHON, "manage.py", "import_aaf", str(folder), "--json", "--force", *extra], env)
    report = json.loads(out)
    if report["status"] != "applique":
        raise SystemExit(f"import {folder}: {report['status']} {report.get('error')}")
    return elapsed, rss, report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--delta", type=float, default=0.01)
    parser.add_argument("--database-url", default="postgres://root@127.0.0.1:5432/ent_bench")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    options = parser.parse_args()
    out = options.out / f"aaf-{options.accounts}"
    out.mkdir(parents=True, exist_ok=True)
    # ENT_DEV: a bench database is not a deployment (no real key, no HTTPS).
    env = {**os.environ, "DATABASE_URL": options.database_url, "DJANGO_SETTINGS_MODULE": "ent.settings",
           "ENT_DEV": "1"}
    env.pop("CELERY_BROKER_URL", None)

    print(f"Académie de {options.accounts:,} comptes (graine {options.seed})".replace(",", " "))
    gen = generate(out, options.accounts, options.seed, options.delta, env)
    complet = out / "complet"
    delta = out / "delta"
    size = sum(p.stat().st_size for p in complet.glob("*.xml"))
    print(f"  fichiers : {size / 1e6:,.0f} Mo, {len(list(complet.glob('*.xml')))} fichiers"
          + (f", générés en {gen:.0f} s" if gen else " (déjà générés)"))

    db_name = options.database_url.rsplit("/", 1)[1]
    psql(options.database_url, f"DROP DATABASE IF EXISTS {db_name}")
    psql(options.database_url, f"CREATE DATABASE {db_name}")
    subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)

    first_s, first_rss, first = import_step(complet, env)
    records = first["records"]
    rerun_s, rerun_rss, rerun = import_step(complet, env)
    reread_s, reread_rss, reread = import_step(complet, env, "--reread")
    # A Delta comes the next day, once autovacuum has been through what the first import
    # wrote; here it would still be at work, on the same two cores, during the Delta.
    vacuum_started = time.monotonic()
    psql_db(options.database_url, "VACUUM (ANALYZE)")
    vacuum_s = time.monotonic() - vacuum_started
    delta_s, delta_rss, delta_report = import_step(delta, env)
    _floor_s, floor_rss, floor_out = run_measured(
        [PYTHON, str(ROOT / "bench" / "floor.py"), str(complet), str(first["rows_written"])], env)
    floor = json.loads(floor_out)

    def outcome(report, key):
        return sum(c.get(key, 0) for c in report["counts"].values())

    lecture = first["durations"]["lecture"]
    delta_changes = sum(f["records"] for f in delta_report["files"]
                        if f["population"] in ("Eleve", "PersRelEleve", "PersEducNat"))
    rows = [
        ("Lecture (premier import)", f"{lecture:.1f} s",
         f"{size / 1e6 / lecture:.1f} Mo/s, {records / lecture:,.0f} enregistrements/s"),
        ("Plancher : lxml seul", f"{floor['parse_seconds']:.1f} s",
         f"{size / 1e6 / floor['parse_seconds']:.1f} Mo/s, {floor['records']:,} enregistrements"),
        ("Plancher : COPY sans index", f"{floor['copy_seconds']:.1f} s",
         f"{floor['rows']:,} lignes"),
        ("Plancher total", f"{floor['parse_seconds'] + floor['copy_seconds']:.1f} s", ""),
        ("Premier import Complet", f"{first_s:.1f} s",
         f"{first['rows_written']:,} lignes écrites, {outcome(first, 'created'):,} créés ; "
         f"{first_s / (floor['parse_seconds'] + floor['copy_seconds']):.2f} × le plancher"),
        ("Relance des mêmes fichiers", f"{rerun_s:.1f} s",
         f"{rerun['rows_written']:,} lignes écrites ; {rerun_s / first_s:.0%} du premier import"
         + (" (livraison identique reconnue)" if rerun.get("identical_to") else "")),
        ("Relance relisant chaque fiche", f"{reread_s:.1f} s",
         f"{reread['rows_written']:,} lignes écrites ; {reread_s / first_s:.0%} du premier "
         f"import ; {reread.get('skipped', 0):,} fiches inchangées non converties"),
        (f"Delta ({delta_changes:,} changements)", f"{delta_s:.1f} s",
         f"{delta_report['rows_written']:,} lignes écrites, "
         f"{outcome(delta_report, 'created'):,} créés, {outcome(delta_report, 'updated'):,} "
         f"modifiés, {outcome(delta_report, 'deactivated'):,} désactivés ; après VACUUM "
         f"(ANALYZE) de l'annuaire, {vacuum_s:.0f} s, le passage qu'autovacuum aurait fait"),
        ("Mémoire maximale (RSS, tous processus)",
         f"{max(first_rss, rerun_rss, reread_rss, delta_rss):.0f} Mo",
         f"premier {first_rss:.0f} Mo, relance {rerun_rss:.0f} Mo, relecture {reread_rss:.0f} Mo,"
         f" Delta {delta_rss:.0f} Mo, plancher {floor_rss:.0f} Mo"),
    ]
    print()
    for label, value, detail in rows:
        print(f"  {label:<34} {value:>9}   {detail}".replace(",", " "))
    print()
    for label, report in (("premier import", first), ("relecture", reread), ("Delta", delta_report)):
        print(f"  Détail, {label} : lecture {report['durations']['lecture']} s, application "
              f"{report['durations']['application']} s")
        steps = sorted((report.get("step_seconds") or {}).items(), key=lambda kv: -kv[1])
        if steps:
            print("    étapes : " + ", ".join(f"{k} {v:.1f} s" for k, v in steps[:8]))


if __name__ == "__main__":
    main()
