from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annuaire.models import Etablissement
from imports.generator import edt_write, sts_write, timetable_build


class Command(BaseCommand):
    help = (
        "Génère un emploi du temps plausible à partir de l'annuaire d'un établissement (ses "
        "divisions, groupes et services d'enseignement) et l'écrit au format d'export EDT/PRONOTE "
        "(ExportEmploiDuTemps) ou en paire STS-web (sts_emp + emp_sts)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--etab", required=True, help="UAI de l'établissement")
        parser.add_argument("out", help="fichier à écrire (EDT) ou dossier (STS-web)")
        parser.add_argument("--format", choices=["edt", "sts"], default="edt")
        parser.add_argument("--seed", type=int, default=1, help="graine (défaut : 1)")

    def handle(self, *args, etab, out, format, seed, **options):
        found = Etablissement.objects.filter(uai__iexact=etab).first()
        if found is None:
            raise CommandError(f"--etab {etab} : aucun établissement de l'annuaire n'a cette UAI")
        tt = timetable_build(etab=found, seed=seed)
        if not tt.services:
            raise CommandError(f"{found} : aucun service d'enseignement dans l'annuaire")
        written = [edt_write(tt, Path(out))] if format == "edt" else sts_write(tt, Path(out))
        self.stdout.write(
            f"{found.name} : {len(tt.courses)} cours hebdomadaires, {len(tt.teachers)} "
            f"professeurs, {len(tt.divisions)} classes, {len(tt.groups)} groupes"
            + (f", {tt.unplaced} heures non placées" if tt.unplaced else "")
            + " → " + ", ".join(str(p) for p in written))
