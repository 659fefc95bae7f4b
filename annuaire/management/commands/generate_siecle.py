from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annuaire.models import Etablissement
from annuaire.siecle.generator import siecle_exports_write


class Command(BaseCommand):
    help = ("Écrit, d'après l'annuaire, les exports SIECLE (élèves, responsables, nomenclature) "
            "et STS-web (sts_emp) d'un établissement, aux formats réels : pour la démonstration "
            "et les mesures. INE, téléphones, courriels et adresses sont fictifs.")

    def add_arguments(self, parser):
        parser.add_argument("--etab", required=True, metavar="UAI")
        parser.add_argument("out", help="dossier de sortie")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, etab, out, seed, **options):
        found = Etablissement.objects.filter(uai__iexact=etab.strip()).first()
        if found is None:
            raise CommandError(f"UAI {etab} : établissement inconnu")
        for path in siecle_exports_write(etab=found, out_dir=Path(out), seed=seed):
            self.stdout.write(str(path))
