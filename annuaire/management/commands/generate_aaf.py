import datetime
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annuaire.aaf.generator import (
    ENCODINGS,
    PERSON_POPULATIONS,
    POPULATION_ORDER,
    AcademieSpec,
    OutputOptions,
    academie_plan,
    academie_write,
    default_workers,
)
from annuaire.aaf.report import POPULATION_LABELS
from ent.french import count_label, french_number

OP_LABELS = {"add": "ajouts", "modify": "modifications", "delete": "suppressions"}


def french_size(n):
    for unit, factor in (("Go", 1 << 30), ("Mo", 1 << 20), ("Ko", 1 << 10)):
        if n >= factor:
            return f"{french_number(round(n / factor, 1))} {unit}"
    return f"{n} o"


def stale_files(out_dir, prefix, kind):
    """Files a previous run with this prefix and kind left, which this run replaces."""
    return sorted(Path(out_dir).glob(f"{prefix}_{kind}_*_*_[0-9][0-9][0-9][0-9].xml"))


class Command(BaseCommand):
    help = (
        "Génère une académie fictive au format AAF (fichiers Complet, ou avec --delta le Delta "
        "qui suit le Complet de la même graine), déterministe : mêmes options, mêmes octets. "
        "Remplace les fichiers d'une génération précédente de même préfixe et de même type "
        "dans OUT ; importez Complet et Delta depuis des dossiers distincts."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", help="dossier de sortie (créé au besoin)")
        parser.add_argument("--accounts", type=int, required=True,
                            help="nombre approximatif de comptes (≈45 %% élèves, 50 %% "
                                 "responsables, 5 %% personnels)")
        parser.add_argument("--etabs", type=int, default=0,
                            help="nombre d'établissements (défaut : un pour ~1 500 comptes)")
        parser.add_argument("--seed", type=int, default=1, help="graine (défaut : 1)")
        parser.add_argument("--delta", type=float, metavar="PART",
                            help="écrire le Delta qui suit le Complet de cette graine, au lieu "
                                 "du Complet : PART des personnes changent (ex. 0.01)")
        parser.add_argument("--date", help="date de l'export, AAAAMMJJ (défaut : aujourd'hui ; "
                                           "même année scolaire pour un Complet et son Delta)")
        parser.add_argument("--encoding", choices=sorted(ENCODINGS), default="utf-8")
        parser.add_argument("--records-per-file", type=int, default=50_000,
                            help="enregistrements par fichier au plus (défaut : 50 000)")
        parser.add_argument("--crlf", action="store_true", help="fins de ligne CRLF")
        parser.add_argument("--no-xml-declaration", action="store_true",
                            help="sans déclaration <?xml …?> (UTF-8 seulement)")
        parser.add_argument("--prefix", default="ENT2DVA-DEMO", help="préfixe des fichiers")
        parser.add_argument("--workers", type=int, default=default_workers(),
                            help="processus d'écriture (défaut : 2 si possible)")

    def handle(self, *args, **options):
        spec = self._spec(options)
        try:
            output = OutputOptions(
                encoding=options["encoding"], crlf=options["crlf"],
                records_per_file=options["records_per_file"],
                xml_declaration=not options["no_xml_declaration"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        share = options["delta"]
        if share is not None and not 0 < share <= 0.5:
            raise CommandError("--delta attend une part entre 0 et 0,5 (ex. 0.01)")
        kind = "Complet" if share is None else "Delta"
        out_dir = Path(options["out"])
        for path in stale_files(out_dir, spec.prefix, kind):
            path.unlink()
        other = stale_files(out_dir, spec.prefix, "Delta" if kind == "Complet" else "Complet")
        started = time.monotonic()
        result = academie_write(spec=spec, out_dir=out_dir, output=output, delta_share=share,
                                workers=max(1, options["workers"]))
        seconds = time.monotonic() - started
        self._print(spec, output, result, out_dir, seconds, share)
        if other:
            self.stdout.write(self.style.WARNING(
                f"Attention : {out_dir} contient aussi des fichiers "
                f"{'Delta' if kind == 'Complet' else 'Complet'} ; l'import refuse une livraison "
                "qui mélange les deux : importez-les depuis des dossiers distincts."))

    def _spec(self, options):
        if options["accounts"] < 10:
            raise CommandError("--accounts : au moins 10 comptes")
        if options["etabs"] < 0 or options["etabs"] > options["accounts"] // 10:
            raise CommandError("--etabs : entre 1 et un dixième du nombre de comptes")
        if options["date"]:
            try:
                date = datetime.datetime.strptime(options["date"], "%Y%m%d").date()
            except ValueError as exc:
                raise CommandError(f"--date : « {options['date']} » n'est pas une date AAAAMMJJ") from exc
        else:
            date = datetime.date.today()
        return AcademieSpec(accounts=options["accounts"], etabs=options["etabs"],
                            seed=options["seed"], date=date, prefix=options["prefix"])

    def _print(self, spec, output, result, out_dir, seconds, share):
        plan = academie_plan(spec=spec)
        colleges = sum(1 for etab in plan.etabs if etab.kind == "college")
        lines = [
            f"Académie fictive {spec.academie} (graine {spec.seed}) : {len(plan.etabs)} "
            f"établissements ({count_label(colleges, 'collège')}, "
            f"{count_label(len(plan.etabs) - colleges, 'lycée')})",
            f"{result.kind} du {spec.date:%d/%m/%Y}"
            + (f", {share * 100:.2f} % des personnes modifiées".replace(".", ",") if share else "")
            + f" — {ENCODINGS[output.encoding]}, {'CRLF' if output.crlf else 'LF'} — dans {out_dir}",
            "",
        ]
        width = max(len(f.path.name) for f in result.files)
        for item in result.files:
            lines.append(f"  {item.path.name.ljust(width)}  {french_number(item.records):>10} "
                         f"enregistrements  {french_size(item.bytes):>10}")
        lines.append("")
        lines.append("Enregistrements par population :")
        for population in POPULATION_ORDER:
            if population in result.counts:
                lines.append(f"  {POPULATION_LABELS[population]:<14} "
                             f"{french_number(result.counts[population]):>10}")
        if result.delta is not None:
            lines.append("")
            lines.append("Opérations du Delta :")
            for population in PERSON_POPULATIONS:
                parts = [f"{french_number(result.delta.count(op, population))} {label}"
                         for op, label in OP_LABELS.items()]
                lines.append(f"  {POPULATION_LABELS[population]:<14} {', '.join(parts)}")
        people = sum(result.counts.get(p, 0) for p in PERSON_POPULATIONS)
        lines.append("")
        duration = f"{seconds:.1f}".replace(".", ",")
        lines.append(f"Total : {count_label(len(result.files), 'fichier')}, {french_number(people)} "
                     f"enregistrements de personnes, {french_size(result.total_bytes)}, "
                     f"en {duration} s")
        self.stdout.write("\n".join(lines))
