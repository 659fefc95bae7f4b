#!/usr/bin/env python
"""Figures of the distribution letters, printed, never asserted.

    python bench/letters.py [--database-url postgres://root@127.0.0.1:5432/ent_bench_letters]

On a fresh database it builds a collège of 600 pupils in 24 divisions (one of 35 pupils) and
900 parents (legal guardians, some shared by siblings), then measures: the PDF of the 35-pupil
division as the principal gets it in the request (1, 2 and 8 letters per page), and the letters
of the whole collège, pupils and parents, rendered by the Celery job's code into one file.
"""

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _fresh_database(url):
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{name}"'], check=True)
    subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{name}"'], check=True)


def _collège():
    from annuaire.models import Etablissement, Inscription, Parente, Person, Regroupement, Role

    etab = Etablissement.objects.create(name="COLLEGE DU BANC D'ESSAI", uai="0699999Z",
                                        aaf_id="bench")
    divisions = [Regroupement(etablissement=etab, nature="division", code=f"{4 + n // 6}{n % 6}")
                 for n in range(24)]
    Regroupement.objects.bulk_create(divisions)
    sizes = [35] + [25 if i < 13 else 24 for i in range(23)]  # 600 pupils
    pupils, inscriptions, roles = [], [], []
    n = 0
    for division, size in zip(divisions, sizes, strict=True):
        for _ in range(size):
            n += 1
            pupils.append(Person(login=f"eleve.banc{n}", login_base="eleve.banc",
                                 population="Eleve", profile="eleve",
                                 first_name="Élise", last_name=f"Élève{n:04d}"))
            inscriptions.append(division)
    Person.objects.bulk_create(pupils)
    Inscription.objects.bulk_create([Inscription(eleve=p, regroupement=d)
                                     for p, d in zip(pupils, inscriptions, strict=True)])
    roles += [Role(person=p, etablissement=etab, role="eleve") for p in pupils]
    parents = [Person(login=f"parent.banc{k}", login_base="parent.banc",
                      population="PersRelEleve", profile="parent", first_name="Paul",
                      last_name=f"Parent{k:04d}") for k in range(900)]
    Person.objects.bulk_create(parents)
    links = []
    for k, parent in enumerate(parents):
        # Two guardians for most pupils; every 10th parent also has a second child.
        links.append(Parente(eleve=pupils[k % 600], responsable=parent, representant_legal=True,
                             legal=1))
        if k % 10 == 0:
            links.append(Parente(eleve=pupils[(k + 301) % 600], responsable=parent,
                                 representant_legal=True, legal=1))
    Parente.objects.bulk_create(links)
    roles += [Role(person=p, etablissement=etab, role="parent") for p in parents]
    Role.objects.bulk_create(roles)
    principal = Person.objects.create(login="principal.banc", population="PersEducNat",
                                      profile="personnel", last_name="Principal")
    Role.objects.create(person=principal, etablissement=etab, role="direction")
    return etab, divisions[0], principal


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url",
                        default="postgres://root@127.0.0.1:5432/ent_bench_letters")
    args = parser.parse_args()
    _fresh_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("ENT_DEV", "1")  # a bench database is not a deployment
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ent.settings")
    os.environ.setdefault("ENT_LETTERS_DIR", "/tmp/ent-bench-letters")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from annuaire.activation import services
    from annuaire.activation.selectors import Audience

    etab, division, principal = _collège()
    print("Fiches de connexion : collège de 600 élèves (24 divisions) et 900 parents")
    # WeasyPrint loads its fonts once per process: the first letter is not a division's cost.
    warm = services.letter_batch_create(etab=etab, acting_user=principal, audience=Audience.ELEVES,
                                        division=division, only_not_activated=False)
    services.letter_batch_render(batch_id=warm.pk, to_file=False)
    for per_page in (1, 2, 8):
        started = time.perf_counter()
        batch = services.letter_batch_create(etab=etab, acting_user=principal,
                                             audience=Audience.ELEVES, division=division,
                                             per_page=per_page)
        pdf = services.letter_batch_render(batch_id=batch.pk, to_file=False)
        took = time.perf_counter() - started
        print(f"  Division de {batch.total} élèves, {per_page} par page : {took:5.2f} s "
              f"({len(pdf) / 1024:.0f} Ko)   cible < 2 s")
    for per_page in (1, 8):
        started = time.perf_counter()
        batch = services.letter_batch_create(etab=etab, acting_user=principal,
                                             audience=Audience.FAMILLES, per_page=per_page)
        services.letter_batch_render(batch_id=batch.pk)
        took = time.perf_counter() - started
        size = services.letter_batch_path(batch).stat().st_size
        print(f"  Collège entier, {batch.total} fiches (élèves et parents), {per_page} par page "
              f": {took:5.1f} s ({size / 1024 / 1024:.1f} Mo, {batch.total / took:.0f} fiches/s)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  Mémoire maximale du processus : {peak:.0f} Mo")


if __name__ == "__main__":
    main()
