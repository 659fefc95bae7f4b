#!/usr/bin/env python
"""Figures of the SIECLE / STS-web completion for one big establishment, printed, never asserted.

    python bench/siecle_import.py [--pupils 3000]

Creates a throw-away test database (PostgreSQL with DATABASE_URL, else SQLite), an
establishment with that many pupils (one relative each, 10 % without an AAF id in common so
they are matched by INE and birth date), 30 divisions, 60 groups and 120 teachers, writes
constructed ElevesSansAdresses / ResponsablesAvecAdresses / Nomenclature / sts_emp files
(ISO-8859-15), then times the first run and a rerun of the same files (which writes nothing).
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ent.settings")
os.environ.setdefault("ENT_DEV", "1")  # a bench database is not a deployment
os.environ.setdefault("ENT_FAST_PASSWORD_HASHER", "1")

PARAMS = ("<PARAMETRES><UAJ>0999999Z</UAJ><ANNEE_SCOLAIRE>2025</ANNEE_SCOLAIRE>"
          "<DATE_EXPORT>02/03/2026</DATE_EXPORT></PARAMETRES>")
HEAD = '<?xml version="1.0" encoding="ISO-8859-15"?>\n'


def write_files(folder, pupils, teachers):
    born = date(2008, 1, 1)
    eleves, structures, personnes, liens = [], [], [], []
    for n in range(pupils):
        birth = (born + timedelta(days=n % 1500)).strftime("%d/%m/%Y")
        eleves.append(
            f'<ELEVE ELEVE_ID="{1_000_000 + n}"><ID_NATIONAL>{n:09d}AB</ID_NATIONAL>'
            f"<NOM_DE_FAMILLE>NOM{n}</NOM_DE_FAMILLE><PRENOM>Chlœ</PRENOM>"
            f"<DATE_NAISS>{birth}</DATE_NAISS><CODE_REGIME>2</CODE_REGIME>"
            "<CODE_MEF>10310019110</CODE_MEF></ELEVE>")
        structures.append(
            f'<STRUCTURES_ELEVE ELEVE_ID="{1_000_000 + n}"><STRUCTURE><CODE_STRUCTURE>D{n % 30}'
            "</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE><STRUCTURE>"
            f"<CODE_STRUCTURE>G{n % 60}</CODE_STRUCTURE><TYPE_STRUCTURE>G</TYPE_STRUCTURE>"
            "</STRUCTURE></STRUCTURES_ELEVE>")
        personnes.append(f'<PERSONNE PERSONNE_ID="{2_000_000 + n}"><NOM_DE_FAMILLE>NOM{n}'
                         "</NOM_DE_FAMILLE><PRENOM>Parent</PRENOM>"
                         f"<TEL_PORTABLE>+336{n:08d}</TEL_PORTABLE></PERSONNE>")
        liens.append(f"<RESPONSABLE_ELEVE><ELEVE_ID>{1_000_000 + n}</ELEVE_ID><PERSONNE_ID>"
                     f"{2_000_000 + n}</PERSONNE_ID><NIVEAU_RESPONSABILITE>1"
                     "</NIVEAU_RESPONSABILITE><CODE_PARENTE>10</CODE_PARENTE>"
                     "<PAIE_FRAIS_SCOLAIRES>1</PAIE_FRAIS_SCOLAIRES></RESPONSABLE_ELEVE>")
    files = {
        "ElevesSansAdresses.xml": f"<BEE_ELEVES>{PARAMS}<DONNEES><ELEVES>{''.join(eleves)}"
        f"</ELEVES><STRUCTURES>{''.join(structures)}</STRUCTURES></DONNEES></BEE_ELEVES>",
        "ResponsablesAvecAdresses.xml": f"<BEE_RESPONSABLES>{PARAMS}<DONNEES><PERSONNES>"
        f"{''.join(personnes)}</PERSONNES><RESPONSABLES>{''.join(liens)}</RESPONSABLES>"
        "</DONNEES></BEE_RESPONSABLES>",
        "Nomenclature.xml": f"<BEE_NOMENCLATURES>{PARAMS}<DONNEES><REGIMES>"
        '<REGIME CODE_REGIME="2"><LIBELLE_LONG>DEMI-PENSIONNAIRE DANS L\'ETABLISSEMENT'
        "</LIBELLE_LONG></REGIME></REGIMES></DONNEES></BEE_NOMENCLATURES>",
    }
    services = "".join(
        f'<DIVISION CODE="D{d}"><SERVICES><SERVICE CODE_MATIERE="061300"><ENSEIGNANTS>'
        f'<ENSEIGNANT ID="{70_000 + d % teachers}"/></ENSEIGNANTS></SERVICE></SERVICES></DIVISION>'
        for d in range(30))
    individus = "".join(f'<INDIVIDU ID="{70_000 + t}"><NOM_USAGE>PROF{t}</NOM_USAGE>'
                        "<FONCTION>ENS</FONCTION></INDIVIDU>" for t in range(teachers))
    files["sts_emp_0999999Z_2025.xml"] = (
        '<STS_EDT><PARAMETRES><UAJ CODE="0999999Z"/><ANNEE_SCOLAIRE ANNEE="2025"/></PARAMETRES>'
        f"<DONNEES><INDIVIDUS>{individus}</INDIVIDUS><STRUCTURE><DIVISIONS>{services}"
        "</DIVISIONS></STRUCTURE></DONNEES></STS_EDT>")
    paths = []
    for name, content in files.items():
        path = Path(folder) / name
        path.write_bytes((HEAD + content).encode("iso-8859-15"))
        paths.append(path)
    return paths


def populate(pupils, teachers):
    from annuaire.models import (
        Etablissement,
        Person,
        Population,
        Profile,
        Regroupement,
        Role,
    )

    etab = Etablissement.objects.create(uai="0999999Z", name="LYCEE DE MESURE", aaf_id="9999")
    Regroupement.objects.bulk_create(
        [Regroupement(etablissement=etab, nature="division", code=f"D{d}") for d in range(30)]
        + [Regroupement(etablissement=etab, nature="groupe", code=f"G{g}") for g in range(60)])
    born = date(2008, 1, 1)
    people = []
    for n in range(pupils):
        shared = n % 10 != 0
        people.append(Person(
            login=f"eleve{n}", login_base="eleve", population=Population.ELEVE,
            profile=Profile.ELEVE, last_name=f"Nom{n}", first_name="Chloé",
            aaf_id=str(1_000_000 + n) if shared else f"x{n}",
            ine="" if shared else f"{n:09d}AB",
            birth_date=None if shared else born + timedelta(days=n % 1500)))
        people.append(Person(login=f"parent{n}", login_base="parent",
                             population=Population.PERS_REL_ELEVE, profile=Profile.PARENT,
                             last_name=f"Nom{n}", first_name="Parent", aaf_id=str(2_000_000 + n)))
    for t in range(teachers):
        people.append(Person(login=f"prof{t}", login_base="prof",
                             population=Population.PERS_EDUC_NAT, profile=Profile.ENSEIGNANT,
                             last_name=f"Prof{t}", aaf_id=str(70_000 + t)))
    Person.objects.bulk_create(people, batch_size=2000)
    roles = [Role(person=p, etablissement=etab,
                  role="eleve" if p.population == Population.ELEVE else
                  "parent" if p.population == Population.PERS_REL_ELEVE else "enseignant")
             for p in Person.objects.all()]
    Role.objects.bulk_create(roles, batch_size=2000)
    from django.db import connection

    if connection.vendor == "postgresql":
        # As autovacuum would have done on a live directory: plans need statistics.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return etab


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=3000)
    parser.add_argument("--teachers", type=int, default=120)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from annuaire.siecle import pipeline

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        etab = populate(args.pupils, args.teachers)
        with tempfile.TemporaryDirectory() as folder:
            paths = write_files(folder, args.pupils, args.teachers)
            size = sum(p.stat().st_size for p in paths) / 1048576
            print(f"{args.pupils} élèves, {args.pupils} responsables, {args.teachers} "
                  f"enseignants — {size:.1f} Mo de fichiers, base {connection.vendor}")
            for label in ("Premier passage", "Relance des mêmes fichiers"):
                started = time.monotonic()
                report, issues = pipeline.run(etab=etab, paths=paths,
                                              workdir=Path(folder) / "w")
                elapsed = time.monotonic() - started
                print(f"{label:<28} {elapsed:6.2f} s  (lecture {report['durations']['lecture']}"
                      f" s) — {report['rows_written']} lignes écrites, {len(issues)} signalements")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
