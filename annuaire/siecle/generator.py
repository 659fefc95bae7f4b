"""SIECLE and STS-web exports of one establishment, written from the directory (demo, bench).

The files follow ../shared/formats/siecle.md and are encoded ISO-8859-15 as SIECLE writes them
(a character Latin-9 lacks becomes « ? », as SIECLE does). Identifiers are the directory's
AAF ones, which is what a real académie shares between AAF and SIECLE; INEs, phone numbers,
e-mails and addresses are invented (INE of eleven characters starting with « 0000 »).
"""

import random
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from ..models import Enseignement, Inscription, Matiere, Mef, Parente, Person, Regroupement, Role

# National code tables as the real Nomenclature exports hold them
# (../shared/samples/siecle/dossiersco/Nomenclature-2019-20.xml).
REGIMES = {"0": "EXTERNE LIBRE", "2": "DEMI-PENSIONNAIRE DANS L'ETABLISSEMENT",
           "3": "INTERNE DANS L'ETABLISSEMENT", "24": "DEMI-PENSIONNAIRE DANS L'ETABLISSEMENT 4",
           "29": "DEMI-PENSIONNAIRE AU TICKET"}
LIENS = {"10": "MERE", "20": "PERE", "37": "FRATRIE", "38": "ASCENDANT",
         "39": "AUTRE MEMBRE DE LA FAMILLE", "50": "TUTEUR", "90": "AUTRE LIEN"}
NIVEAUX = {"1": "REPRESENTANT LEGAL", "2": "PERSONNE EN CHARGE DE L'ELEVE",
           "3": "PERSONNE A CONTACTER"}
MOTIFS = {"12": "SUITE ETUDES 2D DEG. MEN:PUBLIC HORS ACA", "42":
          "DEPART A L'ETRANGER SANS PRECISION", "45": "CESURE"}
MODALITES = {"S": "MATIERE ENSEIGNEE EN TRONC COMMUN", "O": "MATIERE ENSEIGNEE OPTION OBLIGATOIRE",
             "F": "MATIERE ENSEIGNEE OPTION FACULTATIVE"}
# AAF relationship codes (old and new) → SIECLE's two-digit CODE_PARENTE.
PARENTE = {"1": "20", "2": "10", "3": "50", "4": "39", "10": "10", "20": "20", "50": "50"}
HEAD = '<?xml version="1.0" encoding="ISO-8859-15"?>\n'


def school_year(today):
    return today.year if today.month >= 8 else today.year - 1


def _t(tag, value, pad="        "):
    return f"{pad}<{tag}>{escape(str(value))}</{tag}>\n" if value not in ("", None) else (
        f"{pad}<{tag}/>\n")


def _params(uai, year, today):
    return (f"  <PARAMETRES>\n    <UAJ>{escape(uai)}</UAJ>\n    <ANNEE_SCOLAIRE>{year}"
            f"</ANNEE_SCOLAIRE>\n    <DATE_EXPORT>{today:%d/%m/%Y}</DATE_EXPORT>\n"
            f"    <HORODATAGE>{today:%d/%m/%Y} 18:00:00</HORODATAGE>\n  </PARAMETRES>\n")


def _write(path, text):
    path.write_bytes(text.encode("iso-8859-15", errors="replace"))
    return path


def siecle_exports_write(*, etab, out_dir, seed=1, today=None):
    """Write the four exports of ``etab`` under ``out_dir``; returns their paths."""
    today = today or date.today()
    year = school_year(today)
    rng = random.Random(f"{seed}-{etab.uai}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pupil_ids = Role.objects.filter(etablissement=etab, role=Role.Kind.ELEVE,
                                    person__deactivated_at__isnull=True).values("person_id")
    pupils = list(Person.objects.filter(pk__in=pupil_ids, aaf_id__isnull=False)
                  .order_by("aaf_id"))
    structures = {}
    for eleve_id, nature, code in Inscription.objects.filter(
            eleve__in=pupils, regroupement__etablissement=etab).values_list(
            "eleve_id", "regroupement__nature", "regroupement__code").order_by(
            "eleve_id", "regroupement__nature", "regroupement__code"):
        structures.setdefault(eleve_id, []).append(
            (code, "D" if nature == Regroupement.Nature.DIVISION else "G"))
    matieres = dict(Matiere.objects.values_list("code", "libelle"))
    option_codes = sorted(matieres)[:6]
    eleves, options, structs = [], [], []
    for n, pupil in enumerate(pupils):
        regime = rng.choice(sorted(REGIMES))
        birth = pupil.birth_date or date(year - 12, 1, 1) + timedelta(days=rng.randrange(365))
        leaver = n == 0  # one pupil left during the year: the report shows it
        eleves.append(
            f'      <ELEVE ELEVE_ID="{escape(pupil.aaf_id)}">\n'
            + _t("ID_NATIONAL", pupil.ine or f"0000{rng.randrange(10**6):06d}{chr(65 + n % 26)}")
            + _t("NOM_DE_FAMILLE", pupil.last_name.upper()) + _t("PRENOM", pupil.first_name)
            + _t("DATE_NAISS", f"{birth:%d/%m/%Y}") + _t("CODE_REGIME", regime)
            + _t("DOUBLEMENT", 0) + _t("CODE_MEF", pupil.mef_code or "10310019110")
            + _t("CODE_STATUT", "ST") + _t("DATE_ENTREE", f"01/09/{year}")
            + (_t("DATE_SORTIE", f"{today - timedelta(days=14):%d/%m/%Y}")
               + _t("CODE_MOTIF_SORTIE", "12") if leaver else "")
            + "      </ELEVE>\n")
        if option_codes:
            chosen = rng.sample(option_codes, k=min(2, len(option_codes)))
            options.append(
                f'      <OPTION ELEVE_ID="{escape(pupil.aaf_id)}">\n' + "".join(
                    "        <OPTIONS_ELEVE>\n" + _t("NUM_OPTION", rank, " " * 10)
                    + _t("CODE_MODALITE_ELECT", "O" if rank == 1 else "F", " " * 10)
                    + _t("CODE_MATIERE", code, " " * 10) + "        </OPTIONS_ELEVE>\n"
                    for rank, code in enumerate(chosen, 1)) + "      </OPTION>\n")
        if structures.get(pupil.pk):
            structs.append(
                f'      <STRUCTURES_ELEVE ELEVE_ID="{escape(pupil.aaf_id)}">\n' + "".join(
                    "        <STRUCTURE>\n" + _t("CODE_STRUCTURE", code, " " * 10)
                    + _t("TYPE_STRUCTURE", kind, " " * 10) + "        </STRUCTURE>\n"
                    for code, kind in structures[pupil.pk]) + "      </STRUCTURES_ELEVE>\n")
    paths = [_write(out_dir / "ElevesSansAdresses.xml",
                    HEAD + '<BEE_ELEVES VERSION="3.0">\n' + _params(etab.uai, year, today)
                    + "  <DONNEES>\n    <ELEVES>\n" + "".join(eleves) + "    </ELEVES>\n"
                    + "    <OPTIONS>\n" + "".join(options) + "    </OPTIONS>\n"
                    + "    <STRUCTURES>\n" + "".join(structs) + "    </STRUCTURES>\n"
                    + "    <BOURSES/>\n  </DONNEES>\n</BEE_ELEVES>\n")]
    links = list(Parente.objects.filter(eleve__in=pupils, responsable__aaf_id__isnull=False)
                 .select_related("eleve", "responsable").order_by("eleve__aaf_id", "legal"))
    relatives = {link.responsable.pk: link.responsable for link in links}
    personnes, responsables = [], []
    for n, person in enumerate(sorted(relatives.values(), key=lambda p: p.aaf_id)):
        personnes.append(
            f'      <PERSONNE PERSONNE_ID="{escape(person.aaf_id)}">\n'
            + _t("LC_CIVILITE", person.civilite or "") + _t("NOM_DE_FAMILLE", person.last_name.upper())
            + _t("PRENOM", person.first_name)
            + _t("TEL_PORTABLE", person.phone_mobile or f"+336{rng.randrange(10**8):08d}")
            + _t("MEL", person.email or f"responsable{n}@example.invalid")
            + _t("ADRESSE_ID", f"9{n:06d}") + "      </PERSONNE>\n")
    adresses = "".join(
        f'      <ADRESSE ADRESSE_ID="9{n:06d}">\n' + _t("LIGNE1_ADRESSE", f"{n + 1} RUE DE LA DEMO")
        + _t("CODE_POSTAL", etab.postal_code or "75000")
        + _t("LIBELLE_POSTAL", (etab.city or "PARIS").upper()) + _t("LL_PAYS", "FRANCE")
        + "      </ADRESSE>\n" for n in range(len(relatives)))
    for link in links:
        niveau = "1" if link.representant_legal else ("3" if link.contact else "2")
        responsables.append(
            "      <RESPONSABLE_ELEVE>\n" + _t("ELEVE_ID", link.eleve.aaf_id)
            + _t("PERSONNE_ID", link.responsable.aaf_id) + _t("NIVEAU_RESPONSABILITE", niveau)
            + _t("CODE_PARENTE", PARENTE.get(link.lien_code, "90"))
            + _t("PAIE_FRAIS_SCOLAIRES", int(link.financier or link.paiement))
            + _t("PERCOIT_LES_AIDES", "false")
            + _t("HEBERGE_ELEVE", "true" if link.representant_legal else "false")
            + _t("A_CONTACTER_EN_PRIORITE", "true" if link.legal == 1 else "false")
            + "      </RESPONSABLE_ELEVE>\n")
    paths.append(_write(out_dir / "ResponsablesAvecAdresses.xml",
                        HEAD + '<BEE_RESPONSABLES VERSION="2.1">\n' + _params(etab.uai, year, today)
                        + "  <DONNEES>\n    <PERSONNES>\n" + "".join(personnes)
                        + "    </PERSONNES>\n    <RESPONSABLES>\n" + "".join(responsables)
                        + "    </RESPONSABLES>\n    <ADRESSES>\n" + adresses
                        + "    </ADRESSES>\n  </DONNEES>\n</BEE_RESPONSABLES>\n"))

    def table(block, tag, key, rows):
        return f"    <{block}>\n" + "".join(
            f"      <{tag} {key}={quoteattr(code)}>\n" + _t("LIBELLE_LONG", label)
            + f"      </{tag}>\n" for code, label in rows.items()) + f"    </{block}>\n"

    mefs = dict(Mef.objects.values_list("code", "libelle")) or {"10310019110": "3EME"}
    paths.append(_write(out_dir / "Nomenclature.xml",
                        HEAD + '<BEE_NOMENCLATURES VERSION="3.1">\n' + _params(etab.uai, year, today)
                        + "  <DONNEES>\n" + table("MEFS", "MEF", "CODE_MEF", mefs)
                        + table("MATIERES", "MATIERE", "CODE_MATIERE", matieres)
                        + table("MODALITES_ELECTION", "MODALITE_ELECTION", "CODE_MODALITE_ELECT",
                                MODALITES)
                        + table("REGIMES", "REGIME", "CODE_REGIME", REGIMES)
                        + table("LIENS_PARENTE", "LIEN_PARENTE", "CODE_PARENTE", LIENS)
                        + table("NIVEAUX_RESPONSABILITE", "N_NIVEAU_RESPONSABILITE",
                                "NIVEAU_RESPONSABILITE", NIVEAUX)
                        + table("MOTIFS_SORTIE", "MOTIF_SORTIE", "CODE_MOTIF_SORTIE", MOTIFS)
                        + "  </DONNEES>\n</BEE_NOMENCLATURES>\n"))
    paths.append(_write(out_dir / f"sts_emp_{etab.uai}_{year}.xml",
                        _sts(etab, year, matieres)))
    return paths


def _sts(etab, year, matieres):
    teachers = Role.objects.filter(etablissement=etab, role=Role.Kind.ENSEIGNANT,
                                   person__deactivated_at__isnull=True).values("person_id")
    people = list(Person.objects.filter(pk__in=teachers, aaf_id__isnull=False).order_by("aaf_id"))
    individus = "".join(
        f'            <INDIVIDU ID={quoteattr(p.aaf_id)} TYPE="epp">\n'
        + _t("NOM_USAGE", p.last_name.upper(), " " * 16) + _t("PRENOM", p.first_name, " " * 16)
        + _t("DATE_NAISSANCE", p.birth_date.isoformat() if p.birth_date else "", " " * 16)
        + _t("FONCTION", "ENS", " " * 16) + "            </INDIVIDU>\n" for p in people)
    services = {}
    for nature, code, matiere, teacher in Enseignement.objects.filter(
            regroupement__etablissement=etab, enseignant__in=people,
            matiere__isnull=False).values_list(
            "regroupement__nature", "regroupement__code", "matiere__code",
            "enseignant__aaf_id").order_by("regroupement__code", "matiere__code"):
        services.setdefault((nature, code), {}).setdefault(matiere, []).append(teacher)

    def blocks(nature, wrapper, tag):
        body = "".join(
            f"                <{tag} CODE={quoteattr(code)}>\n                    <SERVICES>\n"
            + "".join(
                f"                        <SERVICE CODE_MATIERE={quoteattr(matiere)} "
                'CODE_MOD_COURS="CG">\n                            <ENSEIGNANTS>\n'
                + "".join(f"                                <ENSEIGNANT ID={quoteattr(t)} "
                          'TYPE="epp"/>\n' for t in ids)
                + "                            </ENSEIGNANTS>\n                        </SERVICE>\n"
                for matiere, ids in by_matiere.items())
            + f"                    </SERVICES>\n                </{tag}>\n"
            for (n, code), by_matiere in sorted(services.items()) if n == nature)
        return f"            <{wrapper}>\n{body}            </{wrapper}>\n"

    nomenclature = "".join(
        f"            <MATIERE CODE={quoteattr(code)}>\n"
        + _t("LIBELLE_LONG", label, " " * 16) + "            </MATIERE>\n"
        for code, label in matieres.items())
    return (HEAD + "<STS_EDT>\n    <PARAMETRES>\n"
            f"        <UAJ CODE={quoteattr(etab.uai)}/>\n"
            f'        <ANNEE_SCOLAIRE ANNEE="{year}">\n'
            f"            <DATE_DEBUT>{year}-09-01</DATE_DEBUT>\n"
            f"            <DATE_FIN>{year + 1}-08-31</DATE_FIN>\n"
            "        </ANNEE_SCOLAIRE>\n    </PARAMETRES>\n    <NOMENCLATURES>\n"
            f"        <MATIERES>\n{nomenclature}        </MATIERES>\n    </NOMENCLATURES>\n"
            f"    <DONNEES>\n        <INDIVIDUS>\n{individus}        </INDIVIDUS>\n"
            "        <STRUCTURE>\n"
            + blocks(Regroupement.Nature.DIVISION, "DIVISIONS", "DIVISION")
            + blocks(Regroupement.Nature.GROUPE, "GROUPES", "GROUPE")
            + "        </STRUCTURE>\n        <SUPPLEANTS/>\n    </DONNEES>\n</STS_EDT>\n")
