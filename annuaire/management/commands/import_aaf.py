import json
import sys

from django.core.management.base import BaseCommand, CommandError

from annuaire import services
from annuaire.models import AafImport
from annuaire.report_text import report_as_json, report_as_text


class Command(BaseCommand):
    help = "Importe des fichiers AAF (fichiers, dossiers ou archives zip) dans l'annuaire."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="fichiers XML, dossiers ou archives zip")
        parser.add_argument("--json", action="store_true", help="rapport en un objet JSON")
        parser.add_argument("--simulate", action="store_true",
                            help="simuler : même rapport, rien d'écrit")
        parser.add_argument("--force", action="store_true",
                            help="appliquer même au-delà du seuil de désactivation")
        parser.add_argument("--confirm", type=int, metavar="N",
                            help="appliquer l'import n°N (simulé ou à confirmer)")
        parser.add_argument("--cancel", type=int, metavar="N", help="annuler l'import n°N")
        parser.add_argument("--reread", action="store_true",
                            help="relire chaque fiche, même d'une livraison identique à la "
                                 "dernière appliquée")

    def handle(self, *args, **options):
        quiet = options["json"] or options["verbosity"] == 0
        progress = None if quiet else self._progress
        try:
            if options["cancel"]:
                imp = services.aaf_import_cancel(aaf_import=self._get(options["cancel"]),
                                                 acting_user=None)
            elif options["confirm"]:
                imp = services.aaf_import_confirm(aaf_import=self._get(options["confirm"]),
                                                  acting_user=None, enqueue=False)
                imp = services.aaf_import_execute(import_id=imp.pk, progress=progress)
            else:
                if not options["paths"]:
                    raise CommandError("indiquez au moins un fichier, dossier ou zip AAF")
                imp = services.aaf_import_create(
                    paths=options["paths"], simulate=options["simulate"],
                    origin=AafImport.Origin.CLI)
                if options["force"]:
                    AafImport.objects.filter(pk=imp.pk).update(force=True)
                imp = services.aaf_import_execute(import_id=imp.pk, progress=progress,
                                                  reread=options["reread"])
        except (services.ImportBusy, services.ImportStateError) as exc:
            raise CommandError(str(exc)) from exc
        imp.refresh_from_db()
        if not quiet:
            sys.stderr.write("\n")
        if options["json"]:
            self.stdout.write(json.dumps(report_as_json(imp), ensure_ascii=False, default=str))
        else:
            self.stdout.write(report_as_text(imp))
        if imp.status == AafImport.Status.FAILED:
            sys.exit(1)
        if imp.status == AafImport.Status.WAITING:
            sys.exit(2)

    def _get(self, pk):
        try:
            return AafImport.objects.get(pk=pk)
        except AafImport.DoesNotExist as exc:
            raise CommandError(f"aucun import n°{pk}") from exc

    def _progress(self, phase, fraction, detail=""):
        sys.stderr.write(f"\r{phase} : {fraction:6.1%} {detail[:40]:<40}")
        sys.stderr.flush()
