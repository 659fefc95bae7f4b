import json
import sys

from django.core.management.base import BaseCommand, CommandError

from annuaire.models import Etablissement, SiecleImport
from annuaire.siecle import services
from annuaire.siecle.report_text import report_as_json, report_as_text
from annuaire.siecle.selectors import siecle_import_issues


class Command(BaseCommand):
    help = ("Complète l'annuaire d'un établissement avec ses exports SIECLE (élèves, "
            "responsables, nomenclature) et STS-web (sts_emp), en XML ou en zip.")

    def add_arguments(self, parser):
        parser.add_argument("--etab", required=True, metavar="UAI",
                            help="UAI de l'établissement dont viennent les fichiers")
        parser.add_argument("paths", nargs="+", help="fichiers XML, archives zip ou dossiers")
        parser.add_argument("--json", action="store_true", help="rapport en un objet JSON")

    def handle(self, *args, **options):
        etabs = list(Etablissement.objects.filter(uai__iexact=options["etab"].strip()))
        if len(etabs) != 1:
            raise CommandError(f"UAI {options['etab']} : "
                               + ("établissement inconnu" if not etabs else
                                  "plusieurs établissements portent cette UAI"))
        quiet = options["json"] or options["verbosity"] == 0
        try:
            imp = services.siecle_import_create(etab=etabs[0], paths=options["paths"],
                                                origin=SiecleImport.Origin.CLI)
        except services.SiecleImportBusy as exc:
            raise CommandError(str(exc)) from exc
        imp = services.siecle_import_execute(import_id=imp.pk,
                                             progress=None if quiet else self._progress)
        imp.refresh_from_db()
        if not quiet:
            sys.stderr.write("\n")
        issues = list(siecle_import_issues(siecle_import=imp))
        if options["json"]:
            self.stdout.write(json.dumps(report_as_json(imp, issues), ensure_ascii=False,
                                         default=str))
        else:
            self.stdout.write(report_as_text(imp, issues))
        if imp.status == SiecleImport.Status.FAILED:
            sys.exit(1)

    def _progress(self, phase, fraction, detail=""):
        sys.stderr.write(f"\r{phase} : {fraction:6.1%} {detail[:40]:<40}")
        sys.stderr.flush()
