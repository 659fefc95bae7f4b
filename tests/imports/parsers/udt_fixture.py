"""A small UnDeuxTemps zip, CONSTRUCTED from ``shared/formats/timetable.md`` §1.3.

No real UDT export is public: element and attribute names are those entcore's importer
reads; the wrapping elements, the ``08h00`` hours and the ISO-8859-1 declaration are guesses.
Names, codes and the UAI are obviously fake.

School year 2025-2026 from Monday 1 September 2025 (ISO week 36), closures for the
Toussaint holidays and 11 November. Grid: days 1 and 2, four half-sequences of 30 min from
08h00. Theoretical courses (UDCal_12):

- 001A+002A: 6A, MATH, P1 (co-teacher P2), room S101, Monday 08:00–09:00 (two half-sequences);
- 030B: group G1 of 6A, FRAN, P2, room LAB, Tuesday 08:00–08:30;
- 031C: regroupement R1 (6A + 6B), FRAN, P2, Tuesday 08:30–09:00;
- 040D: 6B, MATH, P1, on fiche F299 whose half-sequence is not in the grid;
- 050E: 6B, no subject, P1, Monday 09:00–09:30.

Week 37 (8 September 2025) has its own file UDCal_12_37: 001A+002A and 031C as usual,
030B, 040D and 050E missing (cancelled that week), and 060F an extra FRAN course of 6B.
"""

import io
import zipfile

UAI = "9999999Z"
ZIP_NAME = f"{UAI}_20250901120000_UDT.zip"


def _xml(body):
    return ('<?xml version="1.0" encoding="ISO-8859-1"?>\n' + body + "\n").encode("latin-1")


def _lines(*rows):
    return "\n".join(
        "  <ligfiche " + " ".join(f'{k}="{v}"' for k, v in row.items()) + "/>" for row in rows)


THEORETICAL = [
    {"code": "001A", "fic": "F101", "div": "6A", "mat": "MATH", "prof": "P1", "rgpmt": "0",
     "gpe": "", "salle": "S101"},
    {"code": "002A", "fic": "F102", "div": "6A", "mat": "MATH", "prof": "P1", "rgpmt": "0",
     "gpe": "", "salle": "S101"},
    {"code": "030B", "fic": "F201", "div": "6A", "mat": "FRAN", "prof": "P2", "rgpmt": "0",
     "gpe": "G1", "salle": "LAB"},
    {"code": "031C", "fic": "F202", "div": "6A", "mat": "FRAN", "prof": "P2", "rgpmt": "R1",
     "gpe": "", "salle": ""},
    {"code": "040D", "fic": "F299", "div": "6B", "mat": "MATH", "prof": "P1", "rgpmt": "0",
     "gpe": "", "salle": ""},
    {"code": "050E", "fic": "F103", "div": "6B", "mat": "", "prof": "P1", "rgpmt": "0",
     "gpe": "", "salle": ""},
]
WEEK_37 = [*THEORETICAL[:2], THEORETICAL[3],
           {"code": "060F", "fic": "F103", "div": "6B", "mat": "FRAN", "prof": "P2",
            "rgpmt": "0", "gpe": "", "salle": "S101"}]


def members():
    slots = "\n".join(
        f'  <demi_seq code_jour="{day}" code="{n}" code_site="1" hre_deb="{start}" '
        f'hre_fin="{end}"/>'
        for day in (1, 2)
        for n, (start, end) in enumerate(
            [("08h00", "08h30"), ("08h30", "09h00"), ("09h00", "09h30"), ("09h30", "10h00")],
            start=1))
    return {
        "UDCal_24.xml": _xml(
            "<calendrier>\n  <annee>2025</annee>\n  <debut_eleve>01/09/2025</debut_eleve>\n"
            "  <fin_eleve>04/07/2026</fin_eleve>\n"
            '  <fermeture debut="18/10/2025" fin="02/11/2025" libelle="Vacances de la '
            'Toussaint"/>\n'
            '  <fermeture debut="11/11/2025" fin="11/11/2025" libelle="Armistice"/>\n'
            "</calendrier>"),
        "UDCal_00.xml": _xml(
            '<parametres>\n  <init premiere_semaine_ISO="36" duree_seq="60"/>\n</parametres>'),
        "UDCal_03.xml": _xml(
            '<salles>\n  <salle code="S101" nom="Salle 101"/>\n'
            '  <salle code="LAB" nom="Laboratoire fictif"/>\n</salles>'),
        "UDCal_04.xml": _xml(
            '<profs>\n  <prof code="P1" epj="900001" nom="FICTIF" prenom="Alpha" '
            'date_naissance="01/01/1980" code_matppl="MATH"/>\n'
            '  <prof code="P2" epj="" nom="IMAGINAIRE" prenom="Bêta" code_matppl="FRAN"/>\n'
            "</profs>"),
        "UDCal_05.xml": _xml(
            '<matieres>\n  <mat code="MATH" libelle="MATHEMATIQUES" code_gep1="061300"/>\n'
            '  <mat code="FRAN" libelle="FRANCAIS" code_gep1="020700"/>\n</matieres>'),
        "UDCal_07.xml": _xml(f"<plages>\n{slots}\n</plages>"),
        "UDCal_08.xml": _xml(
            '<divisions>\n  <div code="6A" code_gep="6A" libelle="6EME A"/>\n'
            '  <div code="6B" code_gep="6B" libelle="6EME B"/>\n</divisions>'),
        "UDCal_19.xml": _xml(
            '<groupes>\n  <gpe code="G1" code_div="6A" code_sts="6A_G1" id="11"/>\n</groupes>'),
        "UDCal_13.xml": _xml(
            '<regroupements>\n  <rgpmt code="R1" nom="LATIN 6" code_div="6A" id="21"/>\n'
            '  <rgpmt code="R1" nom="LATIN 6" code_div="6B" id="21"/>\n</regroupements>'),
        "UDCal_11.xml": _xml(
            "<fiches>\n" + "\n".join(
                f'  <fiche code="{code}" jour="{day}" demi_seq="{seq}" site="1"/>'
                for code, day, seq in [("F101", 1, 1), ("F102", 1, 2), ("F103", 1, 3),
                                       ("F201", 2, 1), ("F202", 2, 2), ("F299", 2, 9)])
            + "\n</fiches>"),
        "UDCal_12.xml": _xml(f"<lignes>\n{_lines(*THEORETICAL)}\n</lignes>"),
        "UDCal_23.xml": _xml(
            '<coenseignements>\n  <coens lignefic="001A" prof="P2" epj=""/>\n'
            "</coenseignements>"),
        "UDCal_12_37.xml": _xml(f"<lignes>\n{_lines(*WEEK_37)}\n</lignes>"),
    }


def build(overrides=None, *, drop=()):
    """The zip's bytes; ``overrides`` replaces members' bytes, ``drop`` leaves some out."""
    files = {**members(), **(overrides or {})}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            if name not in drop:
                archive.writestr(f"export/{name}", data)
    return buffer.getvalue()
