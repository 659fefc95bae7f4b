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
        try:
            imp = self._import(files, etab)
        except (CommandError, TimetableFileError) as exc:
            if not as_json:
                raise CommandError(str(exc)) from exc
            # Refused before any import was kept: the same JSON object as any other run, as
            # import_aaf and import_siecle print, with the reason and where.
            self.stdout.write(_json_dump(_refusal(exc)))
            raise SystemExit(1) from exc
        imp = services.timetable_import_analyse(import_id=imp.pk)
        if validate and imp.status == TimetableImport.Status.BILAN:
            imp = services.timetable_import_validate(imp=imp, acting_user=None)
        bilan = imp.bilan
        if as_json:
            self.stdout.write(_json_dump(_report(imp)))
        elif imp.status == TimetableImport.Status.ECHEC:
            self.stderr.write(imp.error)
        else:
            self.stdout.write(f"{imp} ({bilan['source']}, {imp.etablissement.name}) : "
                              "bilan préliminaire")
            for key, value in bilan["counts"].items():
                self.stdout.write(f"  {key:28} {value}")
            for note in bilan.get("seances_plan", {}).get("notes", []):
                self.stdout.write(f"  {note}")
            for key, value in bilan.get("applied", {}).items():
                self.stdout.write(f"  appliqué : {key:17} {value}")
        if imp.status == TimetableImport.Status.ECHEC:
            raise SystemExit(1)

    def _import(self, files, etab):
        payload = []
        for name in files:
            path = Path(name)
            if not path.is_file():
                raise TimetableFileError("fichier introuvable", file=name)
            payload.append((path.name, path.read_bytes()))
        if etab:
            target = Etablissement.objects.filter(uai__iexact=etab).first()
            if target is None:
                raise CommandError(f"aucun établissement d'UAI {etab}")
        else:
            target = services.upload_etab(files=payload)
        return services.timetable_import_create(etab=target, files=payload,
                                                origin=TimetableImport.Origin.CLI)


def _report(imp):
    """The run as one JSON object, in the shape import_aaf --json prints: ``import_id``,
    ``status``, ``error``, ``counts``, ``rejected`` (file, line, reason), then the bilan's
    own keys."""
    bilan = imp.bilan or {}
    rejected = [{"file": bilan.get("file"), "line": bilan.get("line"), "reason": imp.error}] \
        if imp.status == TimetableImport.Status.ECHEC else [
        {"file": None, "line": entry.get("line"), "reason": ", ".join(entry["problems"])}
        for entry in (*bilan.get("not_importable", []),
                      *bilan.get("services_not_importable", []))]
    return {"import_id": imp.pk, "import": imp.pk, "status": imp.status,
            "error": imp.error or None, "counts": bilan.get("counts", {}),
            "rejected": rejected, **{
                k: bilan[k] for k in ("source", "uai", "lists", "not_importable",
                                      "services_not_importable", "seances_plan", "applied")
                if k in bilan}}


def _refusal(exc):
    where = {"file": getattr(exc, "file", "") or None, "line": getattr(exc, "line", None)}
    return {"import_id": None, "import": None, "status": TimetableImport.Status.ECHEC.value,
            "error": str(exc), "counts": {}, "rejected": [{**where, "reason": str(exc)}]}


def _json_dump(value):
    return json.dumps(value, ensure_ascii=False, indent=2)
