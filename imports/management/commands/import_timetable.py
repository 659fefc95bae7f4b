import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annuaire.models import Etablissement
from imports import services
from imports.models import TimetableImport
from imports.parsers.records import TimetableFileError


class Command(BaseCommand):
    help = ("Analyse un export d'emploi du temps (EDT/PRONOTE, UDT, paire STS-web) et imprime "
            "son bilan préliminaire ; rien n'est appliqué.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="fichiers XML ou zip")
        parser.add_argument("--etab", help="UAI de l'établissement (défaut : celui du fichier)")
        parser.add_argument("--validate", action="store_true",
                            help="valide l'import après le bilan (l'applique)")
        parser.add_argument("--json", dest="as_json", action="store_true",
                            help="bilan en un objet JSON")

    def handle(self, *args, files, etab, as_json, validate, **options):
        payload = []
        for name in files:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name} : fichier introuvable")
            payload.append((path.name, path.read_bytes()))
        try:
            if etab:
                target = Etablissement.objects.filter(uai__iexact=etab).first()
                if target is None:
                    raise CommandError(f"aucun établissement d'UAI {etab}")
            else:
                target = services.upload_etab(files=payload)
            imp = services.timetable_import_create(etab=target, files=payload,
                                                   origin=TimetableImport.Origin.CLI)
        except TimetableFileError as exc:
            raise CommandError(str(exc)) from exc
        imp = services.timetable_import_analyse(import_id=imp.pk)
        if validate and imp.status == TimetableImport.Status.BILAN:
            imp = services.timetable_import_validate(imp=imp, user=None)
        bilan = imp.bilan
        if as_json:
            self.stdout.write(_json_dump({"import": imp.pk, "status": imp.status,
                                          "counts": bilan.get("counts", {}),
                                          "error": imp.error or None, **{
                                              k: bilan[k] for k in ("source", "uai", "lists",
                                                                    "not_importable", "applied")
                                              if k in bilan}}))
        elif imp.status == TimetableImport.Status.ECHEC:
            self.stderr.write(imp.error)
        else:
            self.stdout.write(f"{imp} ({bilan['source']}, {imp.etablissement.name}) : "
                              "bilan préliminaire")
            for key, value in bilan["counts"].items():
                self.stdout.write(f"  {key:28} {value}")
            for key, value in bilan.get("applied", {}).items():
                self.stdout.write(f"  appliqué : {key:17} {value}")
        if imp.status == TimetableImport.Status.ECHEC:
            raise SystemExit(1)


def _json_dump(value):
    return json.dumps(value, ensure_ascii=False, indent=2)
