"""Matching SIECLE / STS-web records to directory accounts, and writing what they complete.

AAF stays the authority for identity: a field SIECLE may fill (INE, birth date, régime label,
MEF, a relative's contact details) is written only when AAF left it empty, or when SIECLE
wrote it last and nobody changed it since (``siecle["sources"][field]["value"]`` equals the
stored value). Columns AAF never carries (régime code and type, exit date and reason,
options) are SIECLE's own. Nothing here creates a person nor a pupil–relative link, and
nothing reads or writes anyone outside the establishment the files are applied for; every
write is compared with what is stored first, so a second run of the same files writes no row
at all.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Q

from ..models import (
    Enseignement,
    Inscription,
    Matiere,
    Mef,
    Parente,
    Person,
    Population,
    Regroupement,
    Role,
)
from ..text import search_key

R = Role.Kind
STAFF_ROLES = (R.ENSEIGNANT, R.DIRECTION, R.VIE_SCOLAIRE, R.DOCUMENTALISTE, R.PERSONNEL,
               R.ADMIN_ETAB)
NATURES = {"D": Regroupement.Nature.DIVISION, "G": Regroupement.Nature.GROUPE}
_REGIME_CODES = {
    "externe": {"0", "1"},
    "demi_pensionnaire": {"2", "6", "21", "22", "23", "24", "25", "26", "29", "38"},
    "interne": {"3", "4", "5", "31", "32", "33", "34", "35", "36", "39"},
}


def regime_type(code, label):
    """externe / demi_pensionnaire / interne, from the nomenclature's label, else the code."""
    first = label.strip().upper().replace("-", " ").split(" ")[0] if label else ""
    if first == "EXTERNE":
        return "externe"
    if first == "DEMI":
        return "demi_pensionnaire"
    if first == "INTERNE":
        return "interne"
    for kind, codes in _REGIME_CODES.items():
        if code in codes:
            return kind
    return ""


def _iso(value):
    return value.isoformat() if isinstance(value, date) else value


@dataclass
class Outcome:
    """What applying produced: counts, issues, rows written."""

    counts: dict = field(default_factory=dict)
    writes: dict = field(default_factory=dict)
    issues: list = field(default_factory=list)
    unknown_structures: dict = field(default_factory=dict)

    def count(self, population, key, n=1):
        bucket = self.counts.setdefault(population, {})
        bucket[key] = bucket.get(key, 0) + n

    def wrote(self, key, n=1):
        if n:
            self.writes[key] = self.writes.get(key, 0) + n

    def issue(self, level, population, source, line, identifier, name, message):
        self.issues.append({
            "level": level, "population": population, "file": source, "line": line,
            "identifier": identifier, "name": name, "message": message,
        })

    @property
    def rows_written(self):
        return sum(self.writes.values())


class _PersonChanges:
    """Field changes on loaded Person objects, flushed with one bulk_update."""

    def __init__(self):
        self.changed = {}
        self.fields = set()
        self.known = {}

    def track(self, person):
        """The one instance of this person every change goes to (a person may be loaded
        more than once: as a relative by identifier and as a pupil's relative by name)."""
        return self.known.setdefault(person.pk, person)

    def set(self, person, name, value):
        if getattr(person, name) != value:
            setattr(person, name, value)
            self.changed[person.pk] = person
            self.fields.add(name)

    def fill(self, person, name, value, source):
        """Fill an AAF field SIECLE may complete; record where its value came from."""
        if value in ("", None):
            return
        info = dict(person.siecle or {})
        sources = dict(info.get("sources") or {})
        current = getattr(person, name)
        ours = name in sources and sources[name].get("value") == _iso(current)
        if current not in ("", None) and not ours:
            if name in sources:
                # AAF wrote its own value since: it is the authority, forget ours.
                del sources[name]
                info["sources"] = sources
                self.set(person, "siecle", info)
            return
        self.set(person, name, value)
        wanted = {"fichier": source, "value": _iso(value)}
        if sources.get(name) != wanted:
            sources[name] = wanted
            info["sources"] = sources
            self.set(person, "siecle", info)

    def merge_json(self, person, values):
        info = dict(person.siecle or {})
        merged = {**info, **values}
        if merged != info:
            self.set(person, "siecle", merged)

    def flush(self):
        update_rows(Person, list(self.changed.values()), sorted(self.fields))
        return len(self.changed)


def update_rows(model, objects, names):
    """One parameterised UPDATE per object, sent with executemany.

    ``bulk_update`` builds a CASE expression per field over each batch, which costs seconds of
    Python for a few thousand pupils; here each row is a plain statement the driver pipelines.
    """
    if not objects:
        return
    fields = [model._meta.get_field(name) for name in names]
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(field.column)} = %s" for field in fields)
    sql = (f"UPDATE {qn(model._meta.db_table)} SET {assignments} "
           f"WHERE {qn(model._meta.pk.column)} = %s")
    rows = [[field.get_db_prep_save(getattr(obj, field.attname), connection)
             for field in fields] + [obj.pk] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


class Applier:
    """Apply the parsed files of one establishment; call inside a transaction."""

    def __init__(self, *, etab, nomenclature, today=None):
        self.etab = etab
        self.nom = nomenclature
        self.today = today or date.today()
        self.out = Outcome()
        self.changes = _PersonChanges()
        self.regroupements = {(r.nature, r.code): r
                              for r in Regroupement.objects.filter(etablissement=etab)}
        self.eleves_by_siecle_id = {}

    # --- helpers ----------------------------------------------------------------------------
    def _people_of(self, roles):
        return Person.objects.filter(
            pk__in=Role.objects.filter(etablissement=self.etab, role__in=roles).values("person_id"))

    def _mef_labels(self):
        """The national MEF labels the AAF feed brought, for MEFs the nomenclature lacks."""
        if not hasattr(self, "_mefs"):
            self._mefs = dict(Mef.objects.values_list("code", "libelle"))
        return self._mefs

    def _regroupement(self, nature, code, population, count=True):
        reg = self.regroupements.get((nature, code))
        if reg is None and count:
            key = f"{nature}:{code}"
            entry = self.out.unknown_structures.setdefault(
                key, {"nature": nature, "code": code, "count": 0, "population": population})
            entry["count"] += 1
        return reg

    # --- pupils -----------------------------------------------------------------------------
    def apply_eleves(self, eleves, rejected, source, annee):
        pupils = list(self._people_of([R.ELEVE]))
        by_id = {p.aaf_id: p for p in pupils if p.aaf_id}
        by_ine = {}
        for p in pupils:
            if p.ine and p.birth_date:
                by_ine.setdefault((p.ine.upper(), p.birth_date), []).append(p)
        inscriptions = set(Inscription.objects.filter(
            regroupement__etablissement=self.etab).values_list("eleve_id", "regroupement_id"))
        new_inscriptions = []
        taken = {}
        origin = f"{source} ({annee})"
        for bad in rejected:
            self.out.count("eleves", "lus")
            self.out.count("eleves", "rejetes")
            self.out.issue("rejet", "eleves", source, bad.line, bad.eleve_id, bad.display_name,
                           " ; ".join(bad.problems))
        for rec in eleves:
            self.out.count("eleves", "lus")
            person, how = self._match_eleve(rec, by_id, by_ine, source)
            if person is None:
                self.out.count("eleves", "non_rapproches")
                self.out.issue("non_rapproche", "eleves", source, rec.line, rec.eleve_id,
                               rec.display_name,
                               f"aucun compte élève de l'établissement ne correspond (ELEVE_ID "
                               f"{rec.eleve_id}, INE {rec.ine or 'absent'}) : rien n'est créé")
                continue
            if person.pk in taken:
                self.out.count("eleves", "non_rapproches")
                self.out.issue("avertissement", "eleves", source, rec.line, rec.eleve_id,
                               rec.display_name,
                               f"le compte {person.display_name} correspond déjà à l'élève de la "
                               f"ligne {taken[person.pk]} : fiche ignorée")
                continue
            taken[person.pk] = rec.line
            person = self.changes.track(person)
            self.out.count("eleves", "rapproches")
            self.out.count("eleves", f"par_{how}")
            self.eleves_by_siecle_id[rec.eleve_id] = person
            self._complete_eleve(person, rec, origin)
            if rec.date_sortie and rec.date_sortie <= self.today:
                self.out.count("eleves", "sortis")
                continue
            for code, kind in rec.structures:
                nature = NATURES.get(kind)
                if nature is None:
                    continue
                reg = self._regroupement(nature, code, "eleves")
                if reg is not None and (person.pk, reg.pk) not in inscriptions:
                    inscriptions.add((person.pk, reg.pk))
                    new_inscriptions.append(Inscription(eleve=person, regroupement=reg))
        Inscription.objects.bulk_create(new_inscriptions, batch_size=1000)
        self.out.wrote("inscriptions", len(new_inscriptions))

    def _match_eleve(self, rec, by_id, by_ine, source):
        person = by_id.get(rec.eleve_id)
        if person is not None:
            ine_ok = not person.ine or not rec.ine or person.ine.upper() == rec.ine.upper()
            birth_ok = (not person.birth_date or not rec.birth_date
                        or person.birth_date == rec.birth_date)
            if ine_ok and birth_ok:
                return person, "identifiant"
            self.out.issue(
                "avertissement", "eleves", source, rec.line, rec.eleve_id, rec.display_name,
                f"ELEVE_ID égal à l'identifiant AAF de {person.display_name}, mais "
                f"{'INE' if not ine_ok else 'date de naissance'} différent(e) : rapprochement "
                "par identifiant écarté")
        if rec.ine and rec.birth_date:
            found = by_ine.get((rec.ine.upper(), rec.birth_date), [])
            if len(found) == 1:
                return found[0], "ine"
        return None, None

    def _complete_eleve(self, person, rec, origin):
        c = self.changes
        regime_label = self.nom.regimes.get(rec.regime_code, "")
        c.fill(person, "ine", rec.ine, origin)
        c.fill(person, "birth_date", rec.birth_date, origin)
        c.fill(person, "regime", regime_label, origin)
        c.fill(person, "mef_code", rec.mef_code, origin)
        if rec.mef_code and person.mef_code == rec.mef_code:
            c.fill(person, "mef_libelle", self.nom.mefs.get(rec.mef_code)
                   or self._mef_labels().get(rec.mef_code, ""), origin)
        c.set(person, "regime_code", rec.regime_code)
        c.set(person, "regime_type", regime_type(rec.regime_code, regime_label))
        c.set(person, "date_sortie", rec.date_sortie)
        motif = ""
        if rec.date_sortie:
            motif = self.nom.motifs.get(rec.motif_sortie, rec.motif_sortie)
        c.set(person, "motif_sortie", motif[:255])
        c.merge_json(person, {
            "eleve_id": rec.eleve_id,
            "options": [{
                "rang": o["rang"], "matiere": o["matiere"],
                "matiere_libelle": self.nom.matieres.get(o["matiere"], ""),
                "modalite": o["modalite"],
                "modalite_libelle": self.nom.modalites.get(o["modalite"], ""),
            } for o in rec.options],
            "regime_libelle": regime_label,
            "source_eleve": origin,
        })

    # --- relatives --------------------------------------------------------------------------
    def apply_responsables(self, personnes, liens, rejected, source, annee):
        origin = f"{source} ({annee})"
        etab_pupils = self._people_of([R.ELEVE]).values("pk")
        # The establishment's relatives only: those the AAF links to one of its pupils, or
        # makes a parent there. An identifier of anyone else's relative is unknown here, like
        # an identifier no one has: the report must not tell them apart, nor name them.
        relatives = Person.objects.filter(population=Population.PERS_REL_ELEVE).filter(
            Q(pk__in=Parente.objects.filter(eleve_id__in=etab_pupils).values("responsable_id"))
            | Q(pk__in=Role.objects.filter(etablissement=self.etab, role=R.PARENT)
                .values("person_id")))
        by_id = {p.aaf_id: p for p in relatives.filter(
            aaf_id__in=[p.personne_id for p in personnes])}
        if not self.eleves_by_siecle_id:
            # No pupils' file in this upload: find the pupils by the id SIECLE shares with AAF.
            for p in self._people_of([R.ELEVE]).filter(
                    aaf_id__in={lien.eleve_id for lien in liens}):
                self.eleves_by_siecle_id[p.aaf_id] = p
        pupil_ids = [p.pk for p in self.eleves_by_siecle_id.values()]
        links = {(link.eleve_id, link.responsable_id): link for link in
                 Parente.objects.filter(eleve_id__in=pupil_ids).select_related("responsable")}
        relatives_by_pupil = {}
        for (eleve_pk, _), link in links.items():
            relatives_by_pupil.setdefault(eleve_pk, []).append(link.responsable)
        liens_by_person = {}
        for lien in liens:
            liens_by_person.setdefault(lien.personne_id, []).append(lien)
        for bad, message in rejected:
            self.out.count("responsables", "lus")
            self.out.count("responsables", "rejetes")
            self.out.issue("rejet", "responsables", source, bad.line,
                           getattr(bad, "personne_id", ""), getattr(bad, "display_name", ""),
                           message)
        matched, taken = {}, {}
        for rec in personnes:
            self.out.count("responsables", "lus")
            person, how = by_id.get(rec.personne_id), "identifiant"
            if person is None:
                person, how = self._match_relative_by_name(
                    rec, liens_by_person.get(rec.personne_id, []), relatives_by_pupil), "nom"
            if person is None:
                self.out.count("responsables", "non_rapproches")
                self.out.issue("non_rapproche", "responsables", source, rec.line,
                               rec.personne_id, rec.display_name,
                               f"aucun responsable d'un élève de l'établissement ne correspond "
                               f"(PERSONNE_ID {rec.personne_id}) : rien n'est écrit")
                continue
            if person.pk in taken:
                self.out.count("responsables", "non_rapproches")
                self.out.issue("avertissement", "responsables", source, rec.line,
                               rec.personne_id, rec.display_name,
                               f"le compte {person.display_name} correspond déjà au responsable "
                               f"de la ligne {taken[person.pk]} : fiche ignorée")
                continue
            taken[person.pk] = rec.line
            person = self.changes.track(person)
            self.out.count("responsables", "rapproches")
            self.out.count("responsables", f"par_{how}")
            matched[rec.personne_id] = person
            c = self.changes
            for name in ("email", "phone_home", "phone_mobile", "phone_work"):
                c.fill(person, name, getattr(rec, name), origin)
            if (rec.address and not person.address) or "address" in (
                    (person.siecle or {}).get("sources") or {}):
                for name in ("address", "postal_code", "city", "country"):
                    c.fill(person, name, rec.address.get(name, ""), origin)
            c.merge_json(person, {"personne_id": rec.personne_id, "source_responsable": origin})
        self._complete_links(liens, {p.personne_id: p for p in personnes}, matched, links,
                             source, origin)

    def _complete_links(self, liens, personnes, matched, links, source, origin):
        """Add SIECLE's details to the links the AAF delivered; never create one: the AAF is
        the only source of who is whose relative, and so of who reads a pupil's data."""
        updated_links = []
        for lien in liens:
            self.out.count("liens", "lus")
            rec = personnes.get(lien.personne_id)
            if rec is None:
                self.out.issue("rejet", "liens", source, lien.line, lien.personne_id, "",
                               f"lien vers PERSONNE_ID {lien.personne_id}, absent de <PERSONNES>")
                continue
            pupil = self.eleves_by_siecle_id.get(lien.eleve_id)
            relative = matched.get(lien.personne_id)
            if pupil is None or relative is None:
                self.out.count("liens", "sans_compte")
                continue
            link = links.get((pupil.pk, relative.pk))
            if link is None:
                self.out.count("liens", "hors_aaf")
                self.out.issue(
                    "avertissement", "liens", source, lien.line, lien.personne_id,
                    rec.display_name,
                    f"lien avec l'élève {pupil.display_name} absent de l'annuaire académique "
                    "(AAF) : il n'est pas créé, seul l'AAF établit les liens entre élèves et "
                    "responsables")
                continue
            self.out.count("liens", "rapproches")
            details = {
                "source": origin, "lien": lien.code_parente,
                "lien_libelle": self.nom.liens.get(lien.code_parente, ""),
                "niveau": lien.niveau,
                "niveau_libelle": self.nom.niveaux.get(lien.niveau, ""),
                "representant_legal": lien.legal, "rang": lien.rang,
                "financier": lien.financier, "contact": lien.contact, "paiement": lien.paiement,
                "heberge": lien.heberge, "priorite": lien.priorite,
                "percoit_aides": lien.percoit_aides,
            }
            before = (link.lien_code, link.siecle)
            if not link.lien_code and lien.code_parente:
                link.lien_code = lien.code_parente
            link.siecle = details
            if before != (link.lien_code, link.siecle):
                updated_links.append(link)
        update_rows(Parente, updated_links, ["lien_code", "siecle"])
        self.out.wrote("liens_completes", len(updated_links))

    def _match_relative_by_name(self, rec, liens, relatives_by_pupil):
        """A relative already linked to one of the pupils the record names, of the same name."""
        key = search_key(rec.last_name, rec.first_name)
        found = set()
        for lien in liens:
            pupil = self.eleves_by_siecle_id.get(lien.eleve_id)
            if pupil is None:
                continue
            for relative in relatives_by_pupil.get(pupil.pk, []):
                if search_key(relative.last_name, relative.first_name) == key:
                    found.add(relative)
        return found.pop() if len(found) == 1 else None

    # --- teachers (STS-web) -----------------------------------------------------------------
    def apply_sts(self, sts, source, annee):
        origin = f"{source} ({annee})"
        staff = list(self._people_of(STAFF_ROLES))
        by_id = {p.aaf_id: p for p in staff if p.aaf_id}
        by_name = {}
        for p in staff:
            if p.birth_date:
                by_name.setdefault((search_key(p.last_name, p.first_name), p.birth_date),
                                   []).append(p)
        for bad, message in sts.rejected:
            self.out.count("enseignants", "lus")
            self.out.count("enseignants", "rejetes")
            self.out.issue("rejet", "enseignants", source, bad.line, bad.sts_id,
                           bad.display_name, message)
        teaching = {i for s in sts.services for i in s.enseignants}
        teachers = {}
        for rec in sts.individus:
            if rec.fonction != "ENS" and rec.sts_id not in teaching:
                continue
            self.out.count("enseignants", "lus")
            person, how = by_id.get(rec.sts_id), "identifiant"
            if person is not None and rec.birth_date and person.birth_date and (
                    person.birth_date != rec.birth_date):
                person = None
            if person is None:
                found = by_name.get((search_key(rec.last_name, rec.first_name), rec.birth_date),
                                    [])
                person, how = (found[0], "nom") if len(found) == 1 else (None, None)
            if person is None:
                self.out.count("enseignants", "non_rapproches")
                self.out.issue("non_rapproche", "enseignants", source, rec.line, rec.sts_id,
                               rec.display_name,
                               f"aucun personnel de l'établissement ne correspond (ID STS "
                               f"{rec.sts_id}) : rien n'est créé")
                continue
            person = self.changes.track(person)
            self.out.count("enseignants", "rapproches")
            self.out.count("enseignants", f"par_{how}")
            teachers[rec.sts_id] = person
            self.changes.fill(person, "birth_date", rec.birth_date, origin)
            self.changes.merge_json(person, {"sts_id": rec.sts_id, "source_sts": origin})
        codes = {s.matiere for s in sts.services if s.matiere}
        matieres = {m.code: m for m in Matiere.objects.filter(code__in=codes)}
        missing = [Matiere(code=code, libelle=(sts.matieres.get(code) or code)[:255])
                   for code in sorted(codes - set(matieres))]
        if missing:
            Matiere.objects.bulk_create(missing)
            matieres.update({m.code: m for m in Matiere.objects.filter(
                code__in=[m.code for m in missing])})
            self.out.wrote("matieres", len(missing))
        self._edition_labels(matieres, sts.matieres)
        existing = set(Enseignement.objects.filter(
            regroupement__etablissement=self.etab).values_list(
            "enseignant_id", "regroupement_id", "matiere_id"))
        new = []
        for service in sts.services:
            self.out.count("services", "lus")
            reg = self._regroupement(service.nature, service.code, "services")
            matiere = matieres.get(service.matiere)
            if reg is None:
                continue
            for sts_id in service.enseignants:
                person = teachers.get(sts_id)
                if person is None:
                    continue
                key = (person.pk, reg.pk, matiere.pk if matiere else None)
                if key not in existing:
                    existing.add(key)
                    new.append(Enseignement(enseignant=person, regroupement=reg, matiere=matiere))
        Enseignement.objects.bulk_create(new, batch_size=1000)
        self.out.wrote("enseignements", len(new))

    @staticmethod
    def _edition_labels(matieres, labels):
        """Keep the nomenclature's edition label (« Mathématiques »): the timetable shows it
        rather than AAF's uppercase one. Only a label in mixed case is one (LIBELLE_EDITION);
        LIBELLE_LONG and LIBELLE_COURT, its fallbacks, are uppercase."""
        changed = []
        for code, matiere in matieres.items():
            label = (labels.get(code) or "").strip()[:255]
            if label != label.upper() and label != matiere.libelle_edition:
                matiere.libelle_edition = label
                changed.append(matiere)
        Matiere.objects.bulk_update(changed, ["libelle_edition"])

    def finish(self):
        self.out.wrote("personnes", self.changes.flush())
        return self.out
