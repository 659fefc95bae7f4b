"""From parsed AAF records to staging rows: typed fields, relations, rejections, warnings.

Pure functions: nothing here touches the database. A record is rejected (with a French reason)
when it cannot make an account; a relation value that cannot be read is dropped with a warning
and the record still imports.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from annuaire.text import search_key

from .logins import login_base_of, login_candidate

# Attributes each population may carry; any other is kept in ``extra`` and reported.
KNOWN_ATTRIBUTES = {
    "EtabEducNat": {
        "ENTStructureJointure", "ENTStructureUAI", "ENTEtablissementUAI", "ENTStructureSIREN",
        "ENTStructureNomCourant", "ENTStructureTypeStruct", "ENTStructureCodeTypeStruct",
        "ENTEtablissementMinistereTutelle", "ENTEtablissementCodeMinistereTutelle",
        "ENTEtablissementContrat", "postOfficeBox", "street", "postalCode", "l",
        "telephoneNumber", "facsimileTelephoneNumber", "ENTStructureMailSI",
        "ENTEtablissementStructRattachFctl", "ENTEtablissementBassin", "ENTServAcAcademie",
        "ENTServAcCodeAcademie", "ENTStructureClasses", "ENTStructureGroupes",
    },
    "MatiereEducNat": {"ENTMatJointure", "ENTLibelleMatiere", "ENTMatiereRattach"},
    "MefEducNat": {
        "ENTMefJointure", "ENTLibelleMef", "ENTMEFRattach", "ENTMEFSTAT11", "ENTNivFormation",
        "ENTFiliere",
    },
}
_PERSON_COMMON = {
    "ENTPersonJointure", "ENTPersonDateNaissance", "ENTPersonNomPatro", "sn", "givenName",
    "ENTPersonAutresPrenoms", "personalTitle", "mail", "homePhone", "telephoneNumber", "mobile",
    "ENTPersonMobileSMS", "ENTPersonAdresse", "ENTPersonCodePostal", "ENTPersonVille",
    "ENTPersonPays", "ENTPersonAdresseDiffusion", "ENTPersonStructRattach",
}
# Read and deliberately not used: the pre-2013 encoding of family links, and STS ids.
DEPRECATED_ATTRIBUTES = {
    "ENTEleveParents", "ENTElevePere", "ENTEleveMere", "ENTEleveAutoriteParentale",
    "ENTElevePersRelEleve1", "ENTEleveQualitePersRelEleve1", "ENTElevePersRelEleve2",
    "ENTEleveQualitePersRelEleve2", "ENTPersonSTSId",
}
KNOWN_ATTRIBUTES["Eleve"] = _PERSON_COMMON | DEPRECATED_ATTRIBUTES | {
    "ENTEleveINE", "ENTEleveStructRattachId", "ENTElevePersRelEleve", "ENTEleveBoursier",
    "ENTEleveRegime", "ENTEleveTransport", "ENTEleveStatutEleve", "ENTEleveMEF",
    "ENTEleveLibelleMEF", "ENTEleveNivFormation", "ENTEleveFiliere", "ENTEleveEnseignements",
    "ENTEleveCodeEnseignements", "ENTEleveClasses", "ENTEleveGroupes",
    "ENTEleveDateEntreeClasses", "ENTEleveDateSortieClasses", "ENTEleveAdresseRel",
}
KNOWN_ATTRIBUTES["PersRelEleve"] = _PERSON_COMMON | {"ENTAuxPersRelEleveEleve"}
KNOWN_ATTRIBUTES["PersEducNat"] = _PERSON_COMMON | DEPRECATED_ATTRIBUTES | {
    "ENTPersonFonctions", "PersEducNatPresenceDevantEleves", "ENTPersonCategorieEnseignant",
    "ENTAuxEnsCategoDiscipline", "ENTAuxEnsDisciplinesPoste", "ENTAuxEnsMEF",
    "ENTAuxEnsMatiereEnseignEtab", "ENTAuxEnsClasses", "ENTAuxEnsGroupes",
    "ENTAuxEnsClassesMatieres", "ENTAuxEnsGroupesMatieres", "ENTAuxEnsClassesPrincipal",
    "ENTEnsFonctionDir",
}

PROFILE_BY_POPULATION = {"Eleve": "eleve", "PersRelEleve": "parent"}
# Function codes of ENTPersonFonctions and the role each gives in its establishment.
ROLE_BY_FUNCTION = {
    "ENS": "enseignant", "DOC": "documentaliste", "DIR": "direction",
    "EDU": "vie_scolaire", "AED": "vie_scolaire", "SUR": "vie_scolaire", "CPE": "vie_scolaire",
}
NO_FUNCTION = "-"


@dataclass
class Issue:
    """A rejection or a warning about one record, before it has a database identity."""

    code: str
    message: str
    identifier: str = ""
    etab_aaf: str = ""


@dataclass
class Converted:
    table: str  # "etab", "matiere", "mef" or "person"
    row: dict | None
    links: list[tuple] = field(default_factory=list)
    rejection: Issue | None = None
    warnings: list[Issue] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def _first(attrs, name):
    values = attrs.get(name)
    return values[0] if values else ""


def _nonempty(attrs, name):
    return [v for v in attrs.get(name, ()) if v]


def _bool(value):
    value = value.strip().upper()
    if value in {"O", "Y", "OUI", "1", "TRUE"}:
        return True
    if value in {"N", "NON", "0", "FALSE"}:
        return False
    return None


def parse_date(value):
    """``dd/mm/yyyy`` → date; empty → None; anything else raises ValueError."""
    if not value:
        return None
    day, month, year = value.split("/")
    if len(year) != 4:
        raise ValueError(value)
    return datetime.date(int(year), int(month), int(day))


def record_hash(*parts):
    """A digest of a record's converted content: equal digests, nothing to write."""
    return hashlib.md5("\x1f".join(map(repr, parts)).encode(), usedforsecurity=False).hexdigest()


def _clean_structure_name(value, uai):
    if "$" in value:
        parts = [p.strip() for p in value.split("$")]
        kind, name, city = (parts + ["", "", ""])[:3]
        name = name or kind
        return f"{name} ({city})" if city else name
    return value or uai


def _split_pair(value):
    """``code$label`` → (code, label)."""
    code, _, label = value.partition("$")
    return code.strip(), label.strip()


def _unknown(attrs, population):
    known = KNOWN_ATTRIBUTES[population]
    return sorted(name for name in attrs if name not in known)


def convert_structure(record, population):
    """EtabEducNat, MatiereEducNat and MefEducNat records."""
    attrs = record.attributes
    identifier = record.identifier
    unknown = _unknown(attrs, population) if record.op != "delete" else []
    table = {"EtabEducNat": "etab", "MatiereEducNat": "matiere", "MefEducNat": "mef"}[population]
    if not identifier:
        return Converted(table, None, rejection=Issue("sans_identifiant", "identifiant absent"))
    if record.op == "delete":
        return Converted(table, {"op": "delete", "key": identifier})
    if population == "EtabEducNat":
        uai = _first(attrs, "ENTStructureUAI") or _first(attrs, "ENTEtablissementUAI")
        if not uai:
            return Converted(table, None, rejection=Issue(
                "attribut_obligatoire", "UAI absent (ENTStructureUAI)", identifier))
        row = {
            "aaf_id": identifier, "uai": uai.upper(),
            "name": _clean_structure_name(_first(attrs, "ENTStructureNomCourant"), uai),
            "type_label": _first(attrs, "ENTStructureTypeStruct"),
            "type_code": _first(attrs, "ENTStructureCodeTypeStruct"),
            "contrat": _first(attrs, "ENTEtablissementContrat"),
            "ministere": _first(attrs, "ENTEtablissementMinistereTutelle"),
            "ministere_code": _first(attrs, "ENTEtablissementCodeMinistereTutelle"),
            "siret": _first(attrs, "ENTStructureSIREN"),
            "street": _first(attrs, "street"), "po_box": _first(attrs, "postOfficeBox"),
            "postal_code": _first(attrs, "postalCode"), "city": _first(attrs, "l"),
            "phone": _first(attrs, "telephoneNumber"),
            "fax": _first(attrs, "facsimileTelephoneNumber"),
            "mail": _first(attrs, "ENTStructureMailSI"),
            "bassin": _first(attrs, "ENTEtablissementBassin").replace("$", " — "),
            "academie": _first(attrs, "ENTServAcAcademie"),
            "academie_code": _first(attrs, "ENTServAcCodeAcademie"),
            "extra": {name: attrs[name] for name in unknown},
        }
        jointure = _first(attrs, "ENTStructureJointure")
    elif population == "MatiereEducNat":
        libelle = _first(attrs, "ENTLibelleMatiere")
        if not libelle:
            return Converted(table, None, rejection=Issue(
                "attribut_obligatoire", "libellé absent (ENTLibelleMatiere)", identifier))
        row = {"code": identifier, "libelle": libelle}
        jointure = _first(attrs, "ENTMatJointure")
    else:
        libelle = _first(attrs, "ENTLibelleMef")
        if not libelle:
            return Converted(table, None, rejection=Issue(
                "attribut_obligatoire", "libellé absent (ENTLibelleMef)", identifier))
        row = {"code": identifier, "libelle": libelle, "rattach": _first(attrs, "ENTMEFRattach"),
               "stat11": _first(attrs, "ENTMEFSTAT11")}
        jointure = _first(attrs, "ENTMefJointure")
    if jointure and jointure != identifier:
        return Converted(table, None, rejection=Issue(
            "identifiant_incoherent",
            f"identifiant {identifier} différent de l'attribut de jointure ({jointure})",
            identifier))
    row["op"] = record.op
    row["aaf_hash"] = record_hash(*(row[k] for k in sorted(row) if k != "op"))
    return Converted(table, row, unknown=unknown)


class PersonConverter:
    """Eleve, PersRelEleve and PersEducNat records: a person row and its relations."""

    def __init__(self, population, legal_2_is_guardian):
        self.population = population
        self.legal_2_is_guardian = legal_2_is_guardian

    def convert(self, record, digest=None):
        """The record's staging row and relations; ``digest``, when given, is what the row
        records of its source (otherwise a digest of the converted content)."""
        attrs = record.attributes
        identifier = record.identifier
        population = self.population
        rattach = _nonempty(attrs, "ENTPersonStructRattach")
        main_etab = rattach[0] if rattach else ""
        if not identifier:
            return self._reject("sans_identifiant", "identifiant absent", "", main_etab)
        if record.op == "delete":
            return Converted("person", {"op": "delete", "key": identifier, "population": population})
        jointure = _first(attrs, "ENTPersonJointure")
        if jointure and jointure != identifier:
            return self._reject(
                "identifiant_incoherent",
                f"identifiant {identifier} différent de ENTPersonJointure ({jointure})",
                identifier, main_etab)
        last_name, first_name = _first(attrs, "sn"), _first(attrs, "givenName")
        if not last_name:
            return self._reject("attribut_obligatoire", "nom d'usage absent (sn)", identifier,
                                main_etab)
        if not first_name:
            return self._reject("attribut_obligatoire", "prénom absent (givenName)", identifier,
                                main_etab)
        raw_birth = _first(attrs, "ENTPersonDateNaissance")
        try:
            birth_date = parse_date(raw_birth)
        except (ValueError, TypeError):
            return self._reject(
                "date_illisible",
                f"date de naissance illisible « {raw_birth} » (attendu JJ/MM/AAAA)",
                identifier, main_etab)
        unknown = _unknown(attrs, population)
        warnings = []
        links = set()
        row = {
            "aaf_id": identifier, "population": population, "op": record.op,
            "civilite": _first(attrs, "personalTitle"),
            "last_name": last_name, "first_name": first_name,
            "birth_name": _first(attrs, "ENTPersonNomPatro"),
            "other_first_names": ", ".join(_nonempty(attrs, "ENTPersonAutresPrenoms"))[:255],
            "birth_date": birth_date,
            "email": _first(attrs, "mail"),
            "phone_home": _first(attrs, "homePhone"),
            "phone_work": _first(attrs, "telephoneNumber"),
            "phone_mobile": _first(attrs, "ENTPersonMobileSMS") or _first(attrs, "mobile"),
            "address": ", ".join(
                line.strip() for line in _first(attrs, "ENTPersonAdresse").split("$")
                if line.strip())[:512],
            "postal_code": _first(attrs, "ENTPersonCodePostal"),
            "city": _first(attrs, "ENTPersonVille"),
            "country": _first(attrs, "ENTPersonPays"),
            "ine": "", "eleve_struct_id": "", "regime": "", "boursier": None,
            "transport": None, "statut": "", "mef_code": "", "mef_libelle": "", "niveau": "",
            "filiere": "", "teaches": None,
        }
        extra = {}
        if population == "Eleve":
            profile = "eleve"
            self._eleve(attrs, row, extra, links, warnings, identifier, rattach)
        elif population == "PersRelEleve":
            profile = "parent"
        else:
            profile = self._staff(attrs, row, extra, links, warnings, identifier, rattach)
        if unknown:
            extra["attributs_inconnus"] = {name: attrs[name] for name in unknown}
        if not main_etab:
            main_etab = next((link[1] for link in sorted(links) if link[1]), "")
        row.update(
            profile=profile,
            extra=extra,
            main_etab_aaf=main_etab,
            login_base=login_base_of(login_candidate(first_name, last_name, profile)),
            search_name=search_key(last_name, first_name, row["birth_name"])[:600],
        )
        ordered_links = sorted(links)
        row["aaf_hash"] = digest or record_hash(
            *(row[k] for k in sorted(row) if k not in {"op", "extra"}),
            sorted(extra.items()), ordered_links,
        )
        for warning in warnings:
            warning.identifier = identifier
            warning.etab_aaf = warning.etab_aaf or main_etab
        return Converted("person", row, ordered_links, warnings=warnings, unknown=unknown)

    def _reject(self, code, message, identifier, etab):
        return Converted("person", None, rejection=Issue(code, message, identifier, etab))

    def _pairs(self, attrs, name, warnings, fields=2):
        """Values ``etab$a$b…`` of an attribute, with exactly ``fields`` parts."""
        out = []
        for value in _nonempty(attrs, name):
            parts = [p.strip() for p in value.split("$")]
            if len(parts) < fields or not all(parts[:fields]):
                warnings.append(Issue(
                    "valeur_mal_formee",
                    f"{name} : valeur « {value} » mal formée (attendu {fields} champs séparés "
                    "par $), ignorée"))
                continue
            out.append(parts)
        return out

    def _eleve(self, attrs, row, extra, links, warnings, identifier, rattach):
        row.update(
            ine=_first(attrs, "ENTEleveINE"),
            eleve_struct_id=_first(attrs, "ENTEleveStructRattachId"),
            regime=_first(attrs, "ENTEleveRegime"),
            boursier=_bool(_first(attrs, "ENTEleveBoursier")),
            transport=_bool(_first(attrs, "ENTEleveTransport")),
            statut=_first(attrs, "ENTEleveStatutEleve"),
            mef_code=_first(attrs, "ENTEleveMEF"),
            mef_libelle=_first(attrs, "ENTEleveLibelleMEF"),
            niveau=_first(attrs, "ENTEleveNivFormation"),
            filiere=_first(attrs, "ENTEleveFiliere"),
        )
        codes = attrs.get("ENTEleveCodeEnseignements", [])
        labels = attrs.get("ENTEleveEnseignements", [])
        if any(codes) or any(labels):
            extra["enseignements"] = [
                [code, label] for code, label in zip(codes, labels, strict=False) if code or label
            ]
        for name in ("ENTEleveDateEntreeClasses", "ENTEleveDateSortieClasses"):
            if _nonempty(attrs, name):
                extra[name] = _nonempty(attrs, name)
        for etab in rattach:
            links.add(("role", etab, "eleve", "", "", "", 0, 0, 0, 0))
        for etab, code, *_ in self._pairs(attrs, "ENTEleveClasses", warnings):
            links.add(("division", etab, code, "", "", "", 0, 0, 0, 0))
            links.add(("role", etab, "eleve", "", "", "", 0, 0, 0, 0))
        for etab, code, *_ in self._pairs(attrs, "ENTEleveGroupes", warnings):
            links.add(("groupe", etab, code, "", "", "", 0, 0, 0, 0))
        for parts in self._pairs(attrs, "ENTElevePersRelEleve", warnings, fields=1):
            relative = parts[0]
            if relative == identifier:
                continue  # « élève lui-même »: an adult pupil responsible for themselves
            flags = [(parts[i] if len(parts) > i else "") for i in range(1, 6)]
            try:
                financier, legal, contact, paiement = (int(f or 0) for f in flags[1:5])
            except ValueError:
                warnings.append(Issue(
                    "valeur_mal_formee",
                    f"ENTElevePersRelEleve : valeur « {'$'.join(parts)} » mal formée, ignorée"))
                continue
            guardian = legal == 1 or (legal == 2 and self.legal_2_is_guardian)
            links.add(("parente", "", relative, flags[0], "1" if guardian else "0", "",
                       financier, legal, contact, paiement))

    def _staff(self, attrs, row, extra, links, warnings, identifier, rattach):
        teaches = _bool(_first(attrs, "PersEducNatPresenceDevantEleves"))
        row["teaches"] = teaches
        functions = self._pairs(attrs, "ENTPersonFonctions", warnings, fields=2)
        category = _bool(_first(attrs, "ENTPersonCategorieEnseignant"))
        codes = {parts[1] for parts in functions}
        # ENTPersonCategorieEnseignant decides when sent; otherwise presence before pupils or
        # a teaching or library function makes a teacher (the order EC follows).
        is_teacher = category if category is not None else (
            bool(teaches) or bool(codes & {"ENS", "DOC"}))
        profile = "enseignant" if is_teacher else "personnel"
        for name in ("ENTAuxEnsMEF", "ENTAuxEnsCategoDiscipline", "ENTAuxEnsDisciplinesPoste"):
            if _nonempty(attrs, name):
                extra[name] = _nonempty(attrs, name)
        roles_by_etab = {}
        for parts in functions:
            etab, code = parts[0], parts[1]
            label, disc_code, disc_label = (parts + ["", "", ""])[2:5]
            if code == NO_FUNCTION:
                continue
            links.add(("fonction", etab, code, label, disc_code, disc_label, 0, 0, 0, 0))
            roles_by_etab.setdefault(etab, set()).add(ROLE_BY_FUNCTION.get(code, "personnel"))
        for etab in _nonempty(attrs, "ENTEnsFonctionDir"):
            roles_by_etab.setdefault(etab, set()).add("direction")
        teaching = {}
        for nature, name, fields in (
            ("ens_division", "ENTAuxEnsClassesMatieres", 3),
            ("ens_groupe", "ENTAuxEnsGroupesMatieres", 3),
            ("ens_division", "ENTAuxEnsClasses", 2),
            ("ens_groupe", "ENTAuxEnsGroupes", 2),
        ):
            for parts in self._pairs(attrs, name, warnings, fields=fields):
                etab, code = parts[0], parts[1]
                subject = parts[2] if fields == 3 else ""
                teaching.setdefault((nature, etab, code), set()).add(subject)
        for (nature, etab, code), subjects in teaching.items():
            # A class named with its subject makes the bare « class » value redundant.
            if len(subjects) > 1:
                subjects.discard("")
            for subject in subjects:
                links.add((nature, etab, code, subject, "", "", 0, 0, 0, 0))
            roles_by_etab.setdefault(etab, set()).add("enseignant")
        for etab, code, *_ in self._pairs(attrs, "ENTAuxEnsClassesPrincipal", warnings):
            links.add(("principal", etab, code, "", "", "", 0, 0, 0, 0))
        for etab, label, *_ in self._pairs(attrs, "ENTAuxEnsMatiereEnseignEtab", warnings):
            links.add(("matiere_etab", etab, label, "", "", "", 0, 0, 0, 0))
        for etab in rattach:
            if not roles_by_etab.get(etab):
                roles_by_etab.setdefault(etab, set()).add(profile)
        for etab, roles in roles_by_etab.items():
            for role in roles:
                links.add(("role", etab, role, "", "", "", 0, 0, 0, 0))
        return profile
