"""The records of each SIECLE / STS-web export, read from its elements (pure: no database).

Dates are JJ/MM/AAAA in BEE files and ISO AAAA-MM-JJ in STS files. Optional tags may be
absent, empty or self-closed: all three read as ''.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from .parser import SiecleParser, text


def bee_date(value):
    """A JJ/MM/AAAA date, None when empty; ValueError when unreadable."""
    return datetime.strptime(value, "%d/%m/%Y").date() if value else None


def iso_date(value):
    return date.fromisoformat(value) if value else None


def _flag(value):
    """SIECLE writes booleans as 0/1 in one tag and true/false in the next."""
    return value.strip().lower() in ("1", "true", "oui", "o")


@dataclass
class Nomenclature:
    """Code tables of one school year, each ``{code: label}``."""

    annee: str = ""
    mefs: dict = field(default_factory=dict)
    matieres: dict = field(default_factory=dict)
    regimes: dict = field(default_factory=dict)
    liens: dict = field(default_factory=dict)
    niveaux: dict = field(default_factory=dict)
    motifs: dict = field(default_factory=dict)
    modalites: dict = field(default_factory=dict)
    statuts: dict = field(default_factory=dict)


# Block path → (table, key attribute, preferred label children).
_NOMENCLATURE_BLOCKS = {
    ("DONNEES", "MEFS", "MEF"): ("mefs", "CODE_MEF", ("LIBELLE_LONG", "FORMATION")),
    ("DONNEES", "MATIERES", "MATIERE"): ("matieres", "CODE_MATIERE",
                                         ("LIBELLE_EDITION", "LIBELLE_LONG", "LIBELLE_COURT")),
    ("DONNEES", "REGIMES", "REGIME"): ("regimes", "CODE_REGIME", ("LIBELLE_LONG",)),
    ("DONNEES", "LIENS_PARENTE", "LIEN_PARENTE"): ("liens", "CODE_PARENTE", ("LIBELLE_LONG",)),
    ("DONNEES", "NIVEAUX_RESPONSABILITE", "N_NIVEAU_RESPONSABILITE"): (
        "niveaux", "NIVEAU_RESPONSABILITE", ("LIBELLE_LONG",)),
    ("DONNEES", "MOTIFS_SORTIE", "MOTIF_SORTIE"): ("motifs", "CODE_MOTIF_SORTIE",
                                                   ("LIBELLE_LONG", "LIBELLE_COURT")),
    ("DONNEES", "MODALITES_ELECTION", "MODALITE_ELECTION"): (
        "modalites", "CODE_MODALITE_ELECT", ("LIBELLE_LONG", "LIBELLE_COURT")),
    ("DONNEES", "STATUTS_ELEVE", "STATUT_ELEVE"): ("statuts", "CODE_STATUT", ("LIBELLE_LONG",)),
}


def _label(element, children):
    for child in children:
        value = text(element, child)
        if value:
            return value
    return ""


def read_nomenclature(parser: SiecleParser, header):
    nomenclature = Nomenclature(annee=header.annee)
    for path, element in parser.elements(set(_NOMENCLATURE_BLOCKS)):
        table, key, children = _NOMENCLATURE_BLOCKS[path]
        code = (element.get(key) or "").strip()
        if code:
            getattr(nomenclature, table)[code] = _label(element, children)
    return nomenclature


@dataclass
class Eleve:
    eleve_id: str
    line: int
    ine: str = ""
    last_name: str = ""
    first_name: str = ""
    birth_date: date | None = None
    regime_code: str = ""
    mef_code: str = ""
    statut: str = ""
    date_sortie: date | None = None
    motif_sortie: str = ""
    email: str = ""
    phone_home: str = ""
    phone_mobile: str = ""
    phone_work: str = ""
    options: list = field(default_factory=list)
    structures: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def display_name(self):
        return f"{self.last_name.upper()} {self.first_name}".strip()


ELEVES_PATHS = {
    ("DONNEES", "ELEVES", "ELEVE"),
    ("DONNEES", "OPTIONS", "OPTION"),
    ("DONNEES", "STRUCTURES", "STRUCTURES_ELEVE"),
}


def _eleve(element):
    eleve = Eleve(eleve_id=(element.get("ELEVE_ID") or "").strip(), line=element.sourceline or 0)
    eleve.ine = text(element, "ID_NATIONAL") or text(element, "INE_RNIE")
    eleve.last_name = text(element, "NOM_USAGE") or text(element, "NOM_DE_FAMILLE") or text(
        element, "NOM")
    eleve.first_name = text(element, "PRENOM")
    for name, tag, parse in (("birth_date", "DATE_NAISS", bee_date),
                             ("date_sortie", "DATE_SORTIE", bee_date)):
        raw = text(element, tag)
        try:
            setattr(eleve, name, parse(raw))
        except ValueError:
            eleve.problems.append(f"{tag} illisible « {raw} » (attendu JJ/MM/AAAA)")
    eleve.regime_code = text(element, "CODE_REGIME")
    eleve.mef_code = text(element, "CODE_MEF")
    eleve.statut = text(element, "CODE_STATUT")
    eleve.motif_sortie = text(element, "CODE_MOTIF_SORTIE")
    eleve.email = text(element, "MEL")
    eleve.phone_home = text(element, "TEL_PERSONNEL")
    eleve.phone_mobile = text(element, "TEL_PORTABLE")
    eleve.phone_work = text(element, "TEL_PROFESSIONNEL")
    if not eleve.eleve_id:
        eleve.problems.append("élève sans attribut ELEVE_ID")
    return eleve


def read_eleves(parser: SiecleParser, header):
    """Pupils with their options and structures joined on ELEVE_ID, in file order.

    Beware the naming trap: the wrapper is OPTIONS/OPTION, the repeated child OPTIONS_ELEVE.
    """
    eleves, options, structures = {}, {}, {}
    rejected = []
    for path, element in parser.elements(ELEVES_PATHS):
        if path[1] == "ELEVES":
            eleve = _eleve(element)
            if eleve.eleve_id in eleves:
                eleve.problems.append(f"ELEVE_ID {eleve.eleve_id} présent deux fois "
                                      f"(déjà ligne {eleves[eleve.eleve_id].line})")
            if eleve.problems:
                rejected.append(eleve)
            else:
                eleves[eleve.eleve_id] = eleve
        elif path[1] == "OPTIONS":
            key = (element.get("ELEVE_ID") or "").strip()
            for option in element.iter("OPTIONS_ELEVE"):
                options.setdefault(key, []).append({
                    "rang": text(option, "NUM_OPTION"),
                    "modalite": text(option, "CODE_MODALITE_ELECT"),
                    "matiere": text(option, "CODE_MATIERE"),
                })
        else:
            key = (element.get("ELEVE_ID") or "").strip()
            for structure in element.iter("STRUCTURE"):
                code = text(structure, "CODE_STRUCTURE")
                if code:
                    structures.setdefault(key, []).append(
                        (code, text(structure, "TYPE_STRUCTURE").upper() or "D"))
    for key, eleve in eleves.items():
        eleve.options = sorted(options.get(key, []),
                               key=lambda o: (o["rang"].zfill(3), o["matiere"], o["modalite"]))
        eleve.structures = structures.get(key, [])
    return list(eleves.values()), rejected


@dataclass
class Responsable:
    personne_id: str
    line: int
    civilite: str = ""
    last_name: str = ""
    first_name: str = ""
    email: str = ""
    phone_home: str = ""
    phone_mobile: str = ""
    phone_work: str = ""
    adresse_id: str = ""
    address: dict = field(default_factory=dict)

    @property
    def display_name(self):
        return f"{self.last_name.upper()} {self.first_name}".strip()


@dataclass
class Lien:
    eleve_id: str
    personne_id: str
    line: int
    code_parente: str = ""
    legal: bool = False
    rang: int = 0
    financier: bool = False
    contact: bool = False
    paiement: bool = False
    niveau: str = ""
    heberge: bool | None = None
    priorite: bool | None = None
    percoit_aides: bool | None = None


RESPONSABLES_PATHS = {
    ("DONNEES", "PERSONNES", "PERSONNE"),
    ("DONNEES", "RESPONSABLES", "RESPONSABLE_ELEVE"),
    ("DONNEES", "ADRESSES", "ADRESSE"),
}


def _address(element):
    lines = [text(element, f"LIGNE{i}_ADRESSE") for i in range(1, 5)]
    commune = text(element, "LIBELLE_POSTAL") or text(element, "LL_COMMUNE_INSEE") or text(
        element, "COMMUNE_ETRANGERE")
    return {
        "address": ", ".join(line for line in lines if line),
        "postal_code": text(element, "CODE_POSTAL"),
        "city": commune,
        "country": text(element, "LL_PAYS"),
    }


def _lien(element):
    lien = Lien(eleve_id=text(element, "ELEVE_ID"), personne_id=text(element, "PERSONNE_ID"),
                line=element.sourceline or 0, code_parente=text(element, "CODE_PARENTE"))
    resp_legal = text(element, "RESP_LEGAL")
    niveau = text(element, "NIVEAU_RESPONSABILITE")
    if niveau:
        # 2019 generation: 1 représentant légal, 2 personne en charge, 3 personne à contacter.
        lien.niveau = niveau
        lien.legal = niveau == "1"
        lien.paiement = lien.financier = _flag(text(element, "PAIE_FRAIS_SCOLAIRES"))
        lien.contact = niveau == "3" or _flag(text(element, "A_CONTACTER_EN_PRIORITE"))
        for name, tag in (("heberge", "HEBERGE_ELEVE"), ("priorite", "A_CONTACTER_EN_PRIORITE"),
                          ("percoit_aides", "PERCOIT_LES_AIDES")):
            raw = text(element, tag)
            setattr(lien, name, _flag(raw) if raw else None)
    else:
        # 2017 generation: RESP_LEGAL 1 or 2 (rank), 0 for others.
        lien.legal = resp_legal in ("1", "2")
        lien.rang = int(resp_legal) if lien.legal else 0
        lien.financier = _flag(text(element, "RESP_FINANCIER"))
        lien.paiement = _flag(text(element, "PERS_PAIEMENT"))
        lien.contact = _flag(text(element, "PERS_CONTACT"))
    return lien


def read_responsables(parser: SiecleParser, header):
    personnes, liens, adresses, rejected = {}, [], {}, []
    for path, element in parser.elements(RESPONSABLES_PATHS):
        if path[1] == "PERSONNES":
            personne = Responsable(
                personne_id=(element.get("PERSONNE_ID") or "").strip(),
                line=element.sourceline or 0,
                civilite=text(element, "LC_CIVILITE"),
                last_name=text(element, "NOM_USAGE") or text(element, "NOM_DE_FAMILLE")
                or text(element, "NOM"),
                first_name=text(element, "PRENOM"),
                email=text(element, "MEL"), phone_home=text(element, "TEL_PERSONNEL"),
                phone_mobile=text(element, "TEL_PORTABLE"),
                phone_work=text(element, "TEL_PROFESSIONNEL"),
                adresse_id=text(element, "ADRESSE_ID"))
            if not personne.personne_id:
                rejected.append((personne, "responsable sans attribut PERSONNE_ID"))
            else:
                personnes[personne.personne_id] = personne
        elif path[1] == "RESPONSABLES":
            lien = _lien(element)
            if not lien.eleve_id or not lien.personne_id:
                rejected.append((lien, "lien sans ELEVE_ID ou sans PERSONNE_ID"))
            else:
                liens.append(lien)
        else:
            key = (element.get("ADRESSE_ID") or "").strip()
            if key:
                adresses[key] = _address(element)
    for personne in personnes.values():
        personne.address = adresses.get(personne.adresse_id, {})
    # Rank the 2019 generation's legal representatives: the payer first, as SIECLE does.
    by_eleve = {}
    for lien in liens:
        if lien.niveau == "1":
            by_eleve.setdefault(lien.eleve_id, []).append(lien)
    for group in by_eleve.values():
        group.sort(key=lambda lien: not lien.paiement)
        for rank, lien in enumerate(group, 1):
            lien.rang = rank
    return list(personnes.values()), liens, rejected


@dataclass
class Individu:
    sts_id: str
    line: int
    last_name: str = ""
    first_name: str = ""
    birth_date: date | None = None
    fonction: str = ""

    @property
    def display_name(self):
        return f"{self.last_name.upper()} {self.first_name}".strip()


@dataclass
class Service:
    nature: str  # "division" or "groupe"
    code: str
    matiere: str
    enseignants: list
    line: int


@dataclass
class Sts:
    matieres: dict = field(default_factory=dict)
    individus: list = field(default_factory=list)
    services: list = field(default_factory=list)
    rejected: list = field(default_factory=list)


STS_PATHS = {
    ("NOMENCLATURES", "MATIERES", "MATIERE"),
    ("DONNEES", "INDIVIDUS", "INDIVIDU"),
    ("DONNEES", "STRUCTURE", "DIVISIONS", "DIVISION"),
    ("DONNEES", "STRUCTURE", "GROUPES", "GROUPE"),
}


def read_sts(parser: SiecleParser, header):
    sts = Sts()
    for path, element in parser.elements(STS_PATHS):
        if path[0] == "NOMENCLATURES":
            code = (element.get("CODE") or "").strip()
            if code:
                sts.matieres[code] = _label(element, ("LIBELLE_EDITION", "LIBELLE_LONG",
                                                      "LIBELLE_COURT"))
        elif path[1] == "INDIVIDUS":
            individu = Individu(sts_id=(element.get("ID") or "").strip(),
                                line=element.sourceline or 0,
                                last_name=text(element, "NOM_USAGE"),
                                first_name=text(element, "PRENOM"),
                                fonction=text(element, "FONCTION"))
            raw = text(element, "DATE_NAISSANCE")
            try:
                individu.birth_date = iso_date(raw)
            except ValueError:
                sts.rejected.append((individu, f"DATE_NAISSANCE illisible « {raw} » "
                                               "(attendu AAAA-MM-JJ)"))
                continue
            if not individu.sts_id:
                sts.rejected.append((individu, "individu sans attribut ID"))
                continue
            sts.individus.append(individu)
        else:
            nature = "division" if path[3] == "DIVISION" else "groupe"
            code = (element.get("CODE") or "").strip()
            for service in element.iter("SERVICE"):
                ids = [(e.get("ID") or "").strip() for e in service.iter("ENSEIGNANT")]
                sts.services.append(Service(
                    nature=nature, code=code,
                    matiere=(service.get("CODE_MATIERE") or "").strip(),
                    enseignants=[i for i in ids if i], line=service.sourceline or 0))
    return sts
