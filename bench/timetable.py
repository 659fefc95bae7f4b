#!/usr/bin/env python
"""Figures of the timetable import, printed, never asserted.

    python bench/timetable.py [--database-url postgres://root@127.0.0.1:5432/ent_bench_timetable]

On a fresh database it times the bilan (parse + match) of the real EDT sample, then builds a
lycée's directory with bulk writes (2,500 pupils, 150 teachers with their services, 54
divisions and 26 option groups, 16 subjects), generates its EDT export with
``imports.generator`` (about 1,500 weekly courses over the school year's 36 weeks), and times
its bilan, its validation and a reimport of the same file.
"""

import argparse
import datetime
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared" / "samples" / "service-cahiertextes" / (
    "Edt_To_LaclasseCom_0134567A_Enclair.xml")
# Subject, national code, weekly hours per division.
SUBJECTS = [
    ("FRANCAIS", "020700", 4), ("MATHEMATIQUES", "061300", 4),
    ("HISTOIRE ET GEOGRAPHIE", "040600", 3), ("ANGLAIS LV1", "030201", 3),
    ("ESPAGNOL LV2", "030602", 2.5), ("PHYSIQUE-CHIMIE", "063500", 3),
    ("SCIENCES DE LA VIE ET DE LA TERRE", "062900", 1.5),
    ("SCIENCES ECONOMIQUES ET SOCIALES", "080100", 1.5),
    ("EDUCATION PHYSIQUE ET SPORTIVE", "100100", 2), ("SNT", "070100", 1.5),
    ("ENSEIGNEMENT MORAL ET CIVIQUE", "042300", 0.5), ("PHILOSOPHIE", "010100", 1),
]
OPTIONS = [("LATIN", "021100"), ("ALLEMAND LV2", "030601"), ("ARTS PLASTIQUES", "110100"),
           ("ITALIEN LV3", "030603")]
DIVISIONS, GROUPS, PUPILS, TEACHERS = 54, 26, 2500, 150


def _fresh_database(url):
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{name}"'], check=True)
    subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{name}"'], check=True)


def _lycée():
    from annuaire.models import (
        Enseignement,
        Etablissement,
        Inscription,
        Matiere,
        Person,
        Regroupement,
        Role,
    )

    etab = Etablissement.objects.create(name="LYCEE DU BANC D'ESSAI", uai="0699998Y",
                                        aaf_id="bench-lycee")
    subjects = Matiere.objects.bulk_create(
        [Matiere(code=code, libelle=label) for label, code, _h in SUBJECTS]
        + [Matiere(code=code, libelle=label) for label, code in OPTIONS])
    levels = ("2NDE", "1ERE", "TLE")
    divisions = Regroupement.objects.bulk_create([
        Regroupement(etablissement=etab, nature="division",
                     code=f"{levels[n * 3 // DIVISIONS]} {n % (DIVISIONS // 3) + 1:02d}")
        for n in range(DIVISIONS)])
    groups = Regroupement.objects.bulk_create([
        Regroupement(etablissement=etab, nature="groupe",
                     code=f"{OPTIONS[n % len(OPTIONS)][0][:6].strip()} G{n + 1}")
        for n in range(GROUPS)])
    pupils = Person.objects.bulk_create([
        Person(login=f"eleve.lycee{n}", login_base="eleve.lycee", population="Eleve",
               profile="eleve", first_name="Élise", last_name=f"Élève{n:04d}")
        for n in range(PUPILS)])
    inscriptions = [Inscription(eleve=p, regroupement=divisions[n % DIVISIONS])
                    for n, p in enumerate(pupils)]
    # A third of the pupils take an option; each group draws from two neighbouring divisions.
    for n, p in enumerate(pupils):
        division = n % DIVISIONS
        if n // DIVISIONS % 3 == 0:
            inscriptions.append(Inscription(eleve=p, regroupement=groups[division * GROUPS
                                                                          // DIVISIONS]))
    Inscription.objects.bulk_create(inscriptions, batch_size=5000)
    # Teachers per subject in proportion to its hours; each teacher's divisions in a row.
    weight = [h for _l, _c, h in SUBJECTS]
    per_subject = [max(2, round(TEACHERS * h / sum(weight))) for h in weight]
    per_subject[0] += TEACHERS - len(OPTIONS) - sum(per_subject)
    teachers = Person.objects.bulk_create([
        Person(login=f"prof.lycee{n}", login_base="prof.lycee", population="PersEducNat",
               profile="enseignant", aaf_id=f"BENCH{n:05d}", first_name="Paul",
               last_name=f"Professeur{n:03d}") for n in range(TEACHERS)])
    Role.objects.bulk_create(
        [Role(person=p, etablissement=etab, role="eleve") for p in pupils]
        + [Role(person=t, etablissement=etab, role="enseignant") for t in teachers],
        batch_size=5000)
    services, t = [], 0
    for s, count in enumerate(per_subject):
        pool = teachers[t:t + count]
        t += count
        for d, division in enumerate(divisions):
            services.append(Enseignement(enseignant=pool[d * count // DIVISIONS],
                                         regroupement=division, matiere=subjects[s]))
    for g, group in enumerate(groups):
        services.append(Enseignement(enseignant=teachers[t + g % len(OPTIONS)],
                                     regroupement=group,
                                     matiere=subjects[len(SUBJECTS) + g % len(OPTIONS)]))
    Enseignement.objects.bulk_create(services)
    return etab


def _timed(label, target, fn):
    started = time.perf_counter()
    result = fn()
    took = time.perf_counter() - started
    return result, f"  {label} : {took:6.2f} s" + (f"   cible < {target} s" if target else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url",
                        default="postgres://root@127.0.0.1:5432/ent_bench_timetable")
    parser.add_argument("--out", default="/tmp/ent-bench-timetable")
    args = parser.parse_args()
    _fresh_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("ENT_DEV", "1")  # a bench database is not a deployment
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ent.settings")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("ENT_VAR_DIR", str(out / "var"))
    sys.path.insert(0, str(ROOT))
    import warnings

    import django

    # The bench serves no static files: whitenoise's warning about their folder is noise.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings.MEDIA_ROOT = out / "media"
    from annuaire.models import Etablissement
    from imports import services
    from imports.generator import edt_write, timetable_build
    from viescolaire.models import Seance

    def analyse(etab, path):
        imp = services.timetable_import_create(etab=etab, files=[(path.name, path.read_bytes())])
        imp = services.timetable_import_analyse(import_id=imp.pk)
        assert imp.status == "bilan", imp.error
        return imp

    print("Import d'emploi du temps (EDT)")
    if SAMPLE.exists():
        sample_etab = Etablissement.objects.create(name="COLLEGE DE DEMONSTRATION",
                                                   uai="0134567A", aaf_id="bench-sample")
        imp, line = _timed("Bilan de l'échantillon réel EDT (704 cours, parse + rapprochement)",
                           1, lambda: analyse(sample_etab, SAMPLE))
        print(line)

    (etab, line) = _timed("Annuaire du lycée (écritures en masse)", None, _lycée)
    print(f"  Lycée : {PUPILS} élèves, {TEACHERS} professeurs, {DIVISIONS} divisions, "
          f"{GROUPS} groupes")
    print(line)
    today = datetime.date.today()
    tt, line = _timed("Génération de l'emploi du temps", None,
                      lambda: timetable_build(etab=etab, today=today, seed=1))
    path = edt_write(tt, out / f"Edt_To_ENT_{etab.uai}.xml")
    weeks = tt.calendar.weeks - len(tt.calendar.holidays)
    print(f"  {len(tt.courses)} cours hebdomadaires ({tt.unplaced} heures non placées), "
          f"{weeks} semaines de cours, fichier de {path.stat().st_size / 1024 / 1024:.1f} Mo")
    print(line)
    imp, line = _timed("Bilan du lycée (parse + rapprochement)", 5, lambda: analyse(etab, path))
    print(line)
    counts = imp.bilan["counts"]
    print(f"    {counts['courses']} cours, {counts['seances']} séances, "
          f"{counts['teachers_matched']} professeurs rapprochés sur "
          f"{counts['teachers_matched'] + counts['teachers_unmatched']}")
    start = tt.calendar.start
    imp, line = _timed("Validation (cours et séances de toute l'année)", 10,
                       lambda: services.timetable_import_validate(imp=imp, acting_user=None,
                                                                  today=start))
    print(line)
    applied = imp.bilan["applied"]
    print(f"    {applied['courses_created']} cours créés, {applied['seances_added']} séances "
          f"({Seance.objects.count()} en base)")
    again, line = _timed("Réimport du même fichier (bilan + validation)", None,
                         lambda: services.timetable_import_validate(
                             imp=analyse(etab, path), acting_user=None, today=start))
    print(line)
    applied = again.bilan["applied"]
    print(f"    {applied['courses_created']} cours créés, {applied['courses_updated']} inchangés, "
          f"{applied['seances_added']} séances créées, {applied['seances_removed']} supprimées")
    _week_view_queries(etab, start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  Mémoire maximale du processus : {peak:.0f} Mo")


def _week_view_queries(etab, start):
    """Queries of a division's week view with the whole timetable, then with 10 courses."""
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from annuaire.models import Person, Role
    from viescolaire.models import Cours

    admin = Person.objects.create(login="bench.admin", population="local", profile="personnel")
    Role.objects.create(person=admin, etablissement=None, role=Role.Kind.ADMIN_ACADEMIQUE)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    division = Cours.objects.filter(etablissement=etab, active=True).values_list(
        "regroupements", flat=True).first()
    week = start + datetime.timedelta(weeks=2)
    url = reverse("viescolaire:week_regroupement", args=[division]) + f"?semaine={week}"

    def count():
        client.get(url)  # warm caches (session, roles), as a user's second page
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        return len(queries.captured_queries)

    active = Cours.objects.filter(etablissement=etab, active=True)
    many = (active.count(), count())
    with transaction.atomic():
        keep = list(active.filter(regroupements=division).values_list("pk", flat=True)[:10])
        active.exclude(pk__in=keep).update(active=False)
        few = (Cours.objects.filter(etablissement=etab, active=True).count(), count())
        transaction.set_rollback(True)
    print(f"  Vue semaine d'une division : {many[1]} requêtes avec {many[0]} cours, "
          f"{few[1]} avec {few[0]} cours (doivent être égales)")


if __name__ == "__main__":
    main()
