import datetime
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from annuaire import services
from annuaire.aaf.generator import AcademieSpec, academie_plan, academie_write
from annuaire.aaf.logins import several_people_reason
from annuaire.models import (
    AafImport,
    Etablissement,
    Fonction,
    Inscription,
    Parente,
    Person,
    Population,
    Profile,
    ProfPrincipal,
    Regroupement,
    Role,
    RoleSource,
)
from annuaire.siecle.generator import siecle_exports_write
from ent.dates import monday_of
from ent.french import count_label, french_number
from ent.notifications.demo import demo_notifications

DEMO_PASSWORD = "demo-ENT-2026"
DEMO_CHARTE = (
    "L'ENT est un service de l'établissement réservé à ses élèves, à leurs familles et à ses "
    "personnels.\n\nChacun s'engage à respecter les autres utilisateurs, à ne pas diffuser "
    "de contenus illicites et à garder son mot de passe secret.\n\nLes données personnelles "
    "sont traitées selon le RGPD ; l'établissement en est responsable.")
ADMIN_LOGIN = "admin.academique"
PREFIX = "ENT2DVA-DEMO"


def _active_staff(etab, code, discipline=None):
    """The first active person holding a function in an establishment, by AAF identifier."""
    rows = Fonction.objects.filter(
        etablissement=etab, code=code, person__deactivated_at__isnull=True,
    ).select_related("person").order_by("person__aaf_id")
    if discipline:
        rows = rows.filter(discipline_code=discipline)
    row = rows.first()
    return row.person if row else None


def _plain(person):
    return not several_people_reason(person.first_name, person.last_name)


def demo_family(etab):
    """A parent (children in two establishments if possible) and their child in ``etab``."""
    pupils_here = set(Role.objects.filter(
        etablissement=etab, role=Role.Kind.ELEVE, person__deactivated_at__isnull=True,
    ).values_list("person_id", flat=True))
    etabs_of = {}
    for pupil_id, etab_id in Role.objects.filter(
            role=Role.Kind.ELEVE, person__deactivated_at__isnull=True).values_list(
            "person_id", "etablissement_id"):
        etabs_of.setdefault(pupil_id, set()).add(etab_id)
    children = {}
    for parent_id, pupil_id in Parente.objects.filter(
            representant_legal=True, responsable__deactivated_at__isnull=True,
            eleve__deactivated_at__isnull=True).values_list("responsable_id", "eleve_id"):
        children.setdefault(parent_id, []).append(pupil_id)
    candidates = []
    for parent_id, kids in children.items():
        here = sorted(k for k in kids if k in pupils_here)
        if not here:
            continue
        spread = len(set().union(*(etabs_of.get(k, set()) for k in kids)))
        candidates.append((-min(spread, 2), -min(len(kids), 2), parent_id, here))
    parents = Person.objects.in_bulk([c[2] for c in candidates])
    for _spread, _count, parent_id, here in sorted(
            candidates, key=lambda c: (c[0], c[1], parents[c[2]].aaf_id)):
        parent = parents[parent_id]
        if not _plain(parent):
            continue
        pupils = [p for p in Person.objects.filter(pk__in=here).order_by("aaf_id") if _plain(p)]
        with_principal = [p for p in pupils if ProfPrincipal.objects.filter(
            regroupement__inscriptions__eleve=p).exists()]
        if with_principal or pupils:
            return parent, (with_principal or pupils)[0]
    return None, None


def demo_teacher(etab, pupil):
    """The pupil's professeur principal, else another teacher of the establishment."""
    if pupil is not None:
        divisions = Inscription.objects.filter(
            eleve=pupil, regroupement__nature=Regroupement.Nature.DIVISION,
        ).values_list("regroupement_id", flat=True)
        row = ProfPrincipal.objects.filter(
            regroupement_id__in=list(divisions), enseignant__deactivated_at__isnull=True,
        ).select_related("enseignant").order_by("enseignant__aaf_id").first()
        if row:
            return row.enseignant
    return _active_staff(etab, "ENS")


class Command(BaseCommand):
    help = (
        "Prépare l'académie de démonstration : génère des fichiers AAF (deux collèges ou plus), "
        "les importe par l'import réel, crée l'administrateur académique et donne un mot de "
        "passe connu à un compte par profil. Relançable : rien n'est dupliqué."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", default=str(Path(settings.VAR_DIR) / "demo"),
                            help="dossier des fichiers AAF générés (défaut : var/demo)")
        parser.add_argument("--accounts", type=int, default=2200,
                            help="nombre approximatif de comptes (défaut : 2 200)")
        parser.add_argument("--seed", type=int, default=1, help="graine (défaut : 1)")

    def handle(self, *args, out, accounts, seed, **options):
        if accounts < 200:
            raise CommandError("--accounts : au moins 200 comptes pour une démo complète")
        started = time.monotonic()
        spec = AcademieSpec(accounts=accounts, etabs=max(2, round(accounts / 1100)), seed=seed,
                            date=datetime.date.today(), prefix=PREFIX)
        out_dir = Path(out)
        for stale in sorted(out_dir.glob(f"{PREFIX}_*_*_*_[0-9][0-9][0-9][0-9].xml")):
            stale.unlink()
        generated = academie_write(spec=spec, out_dir=out_dir)
        imp = self._import(out_dir)
        plan = academie_plan(spec=spec)
        etab = Etablissement.objects.get(aaf_id=plan.etabs[0].jointure)
        with transaction.atomic():
            rows = self._accounts(etab)
            to_activate = self._to_activate(etab, rows)
            demo_notifications(people=[person for _label, person, _where in rows])
        # Exports of the first establishment, for its principal to upload in « Compléments
        # SIECLE et STS-web »; beside the AAF folder, which the AAF import reads whole.
        siecle = siecle_exports_write(etab=etab, out_dir=out_dir.with_name(
            f"{out_dir.name}-siecle"), seed=seed)
        timetables = self._timetables(plan, out_dir.with_name(f"{out_dir.name}-edt"), seed)
        timetables.append(self._cahier(rows))
        from viescolaire.appel.demo import demo_appels

        pupil = next((p for label, p, _ in rows if label == "Élève"), None)
        appels = demo_appels(etab=etab, pupil=pupil, seed=seed)
        if appels:
            timetables.append(f"Appels de {etab.name} : {french_number(appels['appels'])} appels "
                              f"sur quatre semaines, {french_number(appels['absences'])} absences "
                              f"dont {french_number(appels['justified'])} justifiées par les "
                              f"familles, {appels['today_done']} appels faits aujourd'hui")
        self._print(spec, generated, imp, rows, time.monotonic() - started)
        self.stdout.write("")
        for line in timetables:
            self.stdout.write(line)
        self.stdout.write(f"\nExports SIECLE et STS-web de {etab.name} à déposer : "
                          f"{siecle[0].parent}")
        self._print_to_activate(to_activate)

    def _import(self, out_dir):
        try:
            imp = services.aaf_import_create(paths=[out_dir], origin=AafImport.Origin.CLI)
        except services.ImportBusy as exc:
            raise CommandError(str(exc)) from exc
        # A demo follows its own files: a smaller académie than last time is expected.
        AafImport.objects.filter(pk=imp.pk).update(force=True)
        imp = services.aaf_import_execute(import_id=imp.pk)
        imp.refresh_from_db()
        if imp.status != AafImport.Status.APPLIED:
            raise CommandError(
                f"l'import des fichiers de démonstration n'a pas abouti "
                f"({imp.get_status_display()}) : {imp.error or 'voir python manage.py import_aaf'}")
        return imp

    def _timetables(self, plan, out_dir, seed):
        """Each collège's timetable, generated as its timetable software would export it and
        validated through the real import; one line per collège."""
        from imports import services as timetable_services
        from imports.generator import edt_write, sts_write, timetable_build
        from imports.models import TimetableImport
        from viescolaire.models import Cours, Seance

        out_dir.mkdir(parents=True, exist_ok=True)
        today = timezone.localdate()
        # From this Monday on: the week shown on the first login is whole.
        monday = monday_of(today)
        lines = []
        for n, planned in enumerate(plan.etabs):
            etab = Etablissement.objects.filter(aaf_id=planned.jointure).first()
            if etab is None or not Role.objects.filter(etablissement=etab,
                                                       role=Role.Kind.ELEVE).exists():
                continue
            tt = timetable_build(etab=etab, today=today, seed=seed + n)
            if not tt.courses:
                continue
            path = edt_write(tt, out_dir / f"Edt_To_ENT_{etab.uai}.xml")
            paths, source = [path], "EDT"
            if n == 1:
                # The second collège's timetable goes through the STS-web importer: the same
                # week written as the sts_emp + emp_sts pair, beside its EDT export.
                paths, source = sts_write(tt, out_dir / f"sts_{etab.uai}"), "STS-web"
            imp = timetable_services.timetable_import_create(
                etab=etab, files=[(p.name, p.read_bytes()) for p in paths])
            imp = timetable_services.timetable_import_analyse(import_id=imp.pk)
            if imp.status != TimetableImport.Status.BILAN:
                raise CommandError(f"emploi du temps de {etab.name} : {imp.error}")
            timetable_services.timetable_import_validate(imp=imp, acting_user=None, today=monday)
            courses = Cours.objects.filter(etablissement=etab, active=True).count()
            seances = Seance.objects.filter(cours__etablissement=etab).count()
            lines.append(f"Emploi du temps de {etab.name} ({source}, {paths[0].parent}) : "
                         f"{french_number(courses)} cours, {french_number(seances)} séances")
        return lines

    def _cahier(self, rows):
        """Four weeks of cahier de textes for the demo families and the demo teacher."""
        from viescolaire.cahier.demo import demo_cahier

        people = {label: person for label, person, _where in rows}
        parent = people.get("Parent")
        pupils = [people.get("Élève")]
        if parent is not None:
            pupils += [link.eleve for link in Parente.objects.filter(
                responsable=parent, representant_legal=True).select_related("eleve")]
        written = demo_cahier(pupils=pupils,
                              teachers=[people.get("Enseignant (professeur principal)")])
        return ("Cahier de textes : "
                f"{count_label(written['contenus'], 'contenu de séance', 'contenus de séance')}, "
                f"{count_label(written['devoirs'], 'travail à faire', 'travaux à faire')}, "
                f"{count_label(written['visas'], 'visa')}")

    def _accounts(self, etab):
        parent, pupil = demo_family(etab)
        adjoint = _active_staff(etab, "DIR", "D0011")
        if adjoint is not None:
            Role.objects.get_or_create(person=adjoint, etablissement=etab,
                                       role=Role.Kind.ADMIN_ETAB,
                                       defaults={"source": RoleSource.MANUEL})
        admin = Person.objects.filter(login=ADMIN_LOGIN).first()
        if admin is None:
            admin = Person.objects.create_user(
                ADMIN_LOGIN, DEMO_PASSWORD, first_name="Camille", last_name="Rectorat",
                population=Population.LOCAL, profile=Profile.PERSONNEL)
        Role.objects.get_or_create(person=admin, etablissement=None,
                                   role=Role.Kind.ADMIN_ACADEMIQUE,
                                   defaults={"source": RoleSource.MANUEL})
        picks = [
            ("Élève", pupil, etab),
            ("Parent", parent, etab),
            ("Enseignant (professeur principal)", demo_teacher(etab, pupil), etab),
            ("Direction (chef d'établissement)", _active_staff(etab, "DIR", "D0010"), etab),
            ("CPE / vie scolaire", _active_staff(etab, "EDU"), etab),
            ("Documentaliste", _active_staff(etab, "DOC"), etab),
            ("Personnel (secrétariat)", _active_staff(etab, "ADF", "A0030")
             or _active_staff(etab, "ADF"), etab),
            ("Administrateur d'établissement", adjoint, etab),
            ("Administrateur académique", admin, None),
        ]
        now = timezone.now()
        rows = []
        for label, person, where in picks:
            if person is None:
                rows.append((label, None, where))
                continue
            person.set_password(DEMO_PASSWORD)
            person.activated_at = person.activated_at or now
            person.suspended_at = None
            person.suspended_reason = ""
            person.is_active = person.deactivated_at is None
            person.save(update_fields=["password", "activated_at", "suspended_at",
                                       "suspended_reason", "is_active"])
            person.suspensions.all().delete()
            rows.append((label, person, where))
        return rows

    def _to_activate(self, etab, rows):
        """A parent still to activate, with a fresh code: the first connection to try."""
        from annuaire.activation.services import account_settings_get, codes_issue

        settings_row = account_settings_get(etab=etab)
        if not settings_row.charte:
            settings_row.charte = DEMO_CHARTE
            settings_row.charte_updated_at = timezone.now()
            settings_row.save()
        taken = {person.pk for _, person, _ in rows if person is not None}
        parent = Person.objects.filter(
            roles__etablissement=etab, roles__role=Role.Kind.PARENT,
            deactivated_at__isnull=True, suspended_at__isnull=True,
        ).exclude(pk__in=taken).order_by("login").first()
        if parent is None:
            return None
        parent.activated_at = None
        parent.set_unusable_password()
        parent.save(update_fields=["activated_at", "password"])
        codes, expires = codes_issue(persons=[parent])
        return parent, codes[parent.pk], expires

    def _print_to_activate(self, to_activate):
        from annuaire.activation.codes import code_display

        if to_activate is None:
            return
        parent, code, expires = to_activate
        url = f"{settings.ENT_PUBLIC_URL.rstrip('/')}/compte/activation/"
        self.stdout.write(
            f"\nCompte à activer (première connexion) : {parent.display_name}, parent\n"
            f"  identifiant {parent.login}, code d'activation {code_display(code)} "
            f"(valable jusqu'au {timezone.localtime(expires):%d/%m/%Y}), sur {url}")

    def _print(self, spec, generated, imp, rows, seconds):
        people = sum(generated.counts.get(p, 0) for p in ("Eleve", "PersRelEleve", "PersEducNat"))
        etabs = generated.counts.get("EtabEducNat", 0)
        lines = [
            f"Académie de démonstration {spec.academie} : {etabs} établissements, {french_number(people)} "
            f"comptes dans les fichiers AAF (import n°{imp.pk}, {imp.kind}).",
            f"Mot de passe de chaque compte ci-dessous : {DEMO_PASSWORD}",
            "",
        ]
        table = [("Profil", "Nom", "Identifiant", "Mot de passe", "Établissement")]
        for label, person, where in rows:
            if person is None:
                table.append((label, "— absent de cette académie —", "", "", ""))
                continue
            if where is None:
                places = "toute l'académie"
            else:
                places = " + ".join(sorted(set(Etablissement.objects.filter(
                    roles__person=person).values_list("name", flat=True)))) or where.name
            table.append((label, person.display_name, person.login, DEMO_PASSWORD, places))
        widths = [max(len(row[i]) for row in table) for i in range(5)]
        for n, row in enumerate(table):
            lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
        duration = f"{seconds:.1f}".replace(".", ",")
        lines += ["", f"Portail : {settings.ENT_PUBLIC_URL.rstrip('/')}/ (prêt en {duration} s)"]
        self.stdout.write("\n".join(lines))
