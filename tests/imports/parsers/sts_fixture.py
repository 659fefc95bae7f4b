"""An STS-web pair built like the real exports, for the shapes the three oent-edt samples
(``../shared/samples/edt/case*``) do not show.

What the real files look like, and this builder keeps:
- ``sts_emp`` (root ``STS_EDT``) declares ``ISO-8859-15`` and holds Latin-9 bytes; STS-web
  pretty-prints inside its text nodes (``<CODE_GESTION>\\n  FRANC\\n</CODE_GESTION>``).
  ``PARAMETRES`` (``UAJ@CODE``, ``ANNEE_SCOLAIRE@ANNEE`` with ``DATE_DEBUT``/``DATE_FIN``),
  ``NOMENCLATURES/MATIERES/MATIERE@CODE``, then ``DONNEES``: ``INDIVIDUS/INDIVIDU@ID@TYPE``
  and ``STRUCTURE`` with the divisions and groups and their declared ``SERVICES``.
- ``emp_sts`` (root ``EDT_STS``, ASCII under an ``ISO-8859-15`` declaration): ``PARAMETRES``
  (UAJ and ANNEE_SCOLAIRE as text), then ``DONNEES``: ``HORAIRES``, ``ALTERNANCES`` (weeks as
  ``DATE_DEBUT_SEMAINE``), ``SALLES_COURS``, ``INDIVIDUS`` and ``STRUCTURE``, whose services
  hold ``ENSEIGNANTS/ENSEIGNANT/COURS_RATTACHES/COURS`` (``CODE_ALTERNANCE``, ``JOUR``,
  ``HEURE_DEBUT`` and ``DUREE`` in HHMM, ``CODE_SALLE``).
- Where the groups sit varies between exports. The oent-edt samples put ``<GROUPES>`` beside
  ``<DIVISIONS>`` in ``STRUCTURE``; other real exports put ``<GROUPES>`` inside ``<DIVISIONS>``,
  after the last ``<DIVISION>`` (``GROUPES_IN_DIVISIONS``, the default here), and some nest a
  division's groups in the ``<DIVISION>`` itself (``GROUPES_IN_DIVISION``).
"""

GROUPES_BESIDE = "beside"
GROUPES_IN_DIVISIONS = "in-divisions"
GROUPES_IN_DIVISION = "in-division"


def _sts_text(tag, value, indent):
    pad = " " * indent
    return f"{pad}<{tag}>\n{pad}    {value}\n{pad}</{tag}>\n"


def _structure(divisions, groups, where, indent=12):
    """``STRUCTURE`` with ``divisions`` and ``groups`` (XML strings of DIVISION and GROUPE
    elements) laid out as ``where`` says."""
    pad = " " * indent
    groupes = f"{pad}    <GROUPES>\n{groups}{pad}    </GROUPES>\n"
    if where == GROUPES_BESIDE:
        body = f"{pad}    <DIVISIONS>\n{divisions}{pad}    </DIVISIONS>\n{groupes}"
    elif where == GROUPES_IN_DIVISIONS:
        body = f"{pad}    <DIVISIONS>\n{divisions}{groupes}{pad}    </DIVISIONS>\n"
    else:
        # The groups inside the (first) division's element, before its closing tag.
        last = divisions.index("</DIVISION>")
        body = (f"{pad}    <DIVISIONS>\n{divisions[:last]}{groupes}{divisions[last:]}"
                f"{pad}    </DIVISIONS>\n")
    return f"{pad}<STRUCTURE>\n{body}{pad}</STRUCTURE>\n"


def sts_emp(where=GROUPES_IN_DIVISIONS, *, extra_structure=""):
    subjects = "".join(
        f'            <MATIERE CODE="{code}">\n' + _sts_text("CODE_GESTION", gestion, 16)
        + _sts_text("LIBELLE_COURT", label, 16) + _sts_text("LIBELLE_LONG", label, 16)
        + _sts_text("LIBELLE_EDITION", edition, 16) + "            </MATIERE>\n"
        for code, gestion, label, edition in (("020700", "FRANC", "FRANCAIS", "Français"),
                                              ("030201", "AGL1", "ANGLAIS LV1", "Anglais LV1")))
    people = "".join(
        f'            <INDIVIDU ID="{ident}" TYPE="epp">\n' + _sts_text("NOM_USAGE", last, 16)
        + _sts_text("PRENOM", first, 16) + _sts_text("DATE_NAISSANCE", born, 16)
        + _sts_text("FONCTION", "ENS", 16) + "            </INDIVIDU>\n"
        for ident, last, first, born in (("69881", "DOE", "Jane", "1975-02-27"),
                                         ("70001", "ROE", "Richard", "1980-05-12")))
    division = ('                    <DIVISION CODE="3A">\n'
                + _sts_text("LIBELLE_LONG", "3EMEA", 24)
                + '                        <SERVICES>\n'
                '                            <SERVICE CODE_MATIERE="020700" CODE_MOD_COURS="CG">\n'
                + _sts_text("HEURES_STRUCTURE", "4.00", 32)
                + '                                <ENSEIGNANTS>\n'
                '                                    <ENSEIGNANT ID="69881" TYPE="epp"/>\n'
                '                                </ENSEIGNANTS>\n'
                '                            </SERVICE>\n'
                '                        </SERVICES>\n'
                '                    </DIVISION>\n')
    group = ('                    <GROUPE CODE="3B_G2">\n'
             + _sts_text("LIBELLE_LONG", "G2", 24)
             + ('                        <DIVISIONS_APPARTENANCE>\n'
                '                            <DIVISION_APPARTENANCE CODE="3B"/>\n'
                '                        </DIVISIONS_APPARTENANCE>\n'
                if where != GROUPES_IN_DIVISION else "")
             + '                        <SERVICES>\n'
             '                            <SERVICE CODE_MATIERE="030201" CODE_MOD_COURS="CG">\n'
             + _sts_text("HEURES_STRUCTURE", "1.50", 32)
             + '                                <ENSEIGNANTS>\n'
             '                                    <ENSEIGNANT ID="70001" TYPE="epp"/>\n'
             '                                </ENSEIGNANTS>\n'
             '                            </SERVICE>\n'
             '                        </SERVICES>\n'
             '                    </GROUPE>\n')
    text = ('<?xml version="1.0" encoding="ISO-8859-15"?>\n<STS_EDT>\n    <PARAMETRES>\n'
            '        <UAJ CODE="0771991W">\n' + _sts_text("SIGLE", "CLG", 12)
            + '        </UAJ>\n        <ANNEE_SCOLAIRE ANNEE="2018">\n'
            + _sts_text("DATE_DEBUT", "2018-09-01", 12) + _sts_text("DATE_FIN", "2019-08-31", 12)
            + '        </ANNEE_SCOLAIRE>\n    </PARAMETRES>\n    <NOMENCLATURES>\n'
            '        <MATIERES>\n' + subjects + '        </MATIERES>\n    </NOMENCLATURES>\n'
            '    <DONNEES>\n        <INDIVIDUS>\n' + people + '        </INDIVIDUS>\n'
            + _structure(division, group, where, 8).replace(
                "        </STRUCTURE>\n", extra_structure + "        </STRUCTURE>\n")
            + '        <SUPPLEANTS/>\n    </DONNEES>\n</STS_EDT>\n')
    return text.encode("iso-8859-15")


def cours(alternance, day, start, duration, room, indent=44):
    pad = " " * indent
    return (f"{pad}<COURS>\n"
            f"{pad}    <CODE_ALTERNANCE>{alternance}</CODE_ALTERNANCE>\n"
            f"{pad}    <JOUR>{day}</JOUR>\n"
            f"{pad}    <HEURE_DEBUT>{start}</HEURE_DEBUT>\n"
            f"{pad}    <DUREE>{duration}</DUREE>\n"
            f"{pad}    <CODE_SALLE>{room}</CODE_SALLE>\n"
            f"{pad}</COURS>\n")


def service(subject, teacher, hours, *courses):
    pad = " " * 28
    return (f'{pad}<SERVICE CODE_MATIERE="{subject}" CODE_MOD_COURS="CG">\n'
            f"{pad}    <HEURES_STRUCTURE>{hours}</HEURES_STRUCTURE>\n"
            f"{pad}    <CO_ENS>false</CO_ENS>\n"
            f"{pad}    <ENSEIGNANTS>\n"
            f'{pad}        <ENSEIGNANT TYPE="epp" ID="{teacher}">\n'
            f"{pad}            <HEURES_AGENT>{hours}</HEURES_AGENT>\n"
            f"{pad}            <COURS_RATTACHES>\n{''.join(courses)}"
            f"{pad}            </COURS_RATTACHES>\n"
            f"{pad}        </ENSEIGNANT>\n"
            f"{pad}    </ENSEIGNANTS>\n"
            f"{pad}</SERVICE>\n")


WEEKS = ("2018-09-03", "2018-09-10", "2018-09-17")


def emp_sts(where=GROUPES_IN_DIVISIONS, *, weeks=WEEKS, extra_structure="",
            calendar_last=False):
    """``calendar_last``: HORAIRES, ALTERNANCES and SALLES_COURS after STRUCTURE."""
    division = ('                    <DIVISION CODE="3A">\n'
                '                        <SERVICES>\n'
                + service("020700", "69881", "4.00", cours("H", 1, "0800", "0100", "15"))
                + '                        </SERVICES>\n'
                '                    </DIVISION>\n')
    group = ('                    <GROUPE CODE="3B_G2">\n'
             '                        <LIBELLE_LONG/>\n'
             + ('                        <DIVISIONS_APPARTENANCE>\n'
                '                            <DIVISION_APPARTENANCE CODE="3B"/>\n'
                '                        </DIVISIONS_APPARTENANCE>\n'
                if where != GROUPES_IN_DIVISION else "")
             + '                        <SERVICES>\n'
             + service("030201", "70001", "1.50", cours("H", 4, "1500", "0130", "23"))
             + '                        </SERVICES>\n'
             '                    </GROUPE>\n')
    semaines = "".join(f"                        <DATE_DEBUT_SEMAINE>{w}</DATE_DEBUT_SEMAINE>\n"
                       for w in weeks)
    calendar = (
        '        <HORAIRES>\n' + "".join(
            f'            <HORAIRE JOUR="{d}">\n'
            '                <DEBUT_COURS>0800</DEBUT_COURS>\n'
            '                <FIN_COURS>1800</FIN_COURS>\n'
            '            </HORAIRE>\n' for d in range(1, 6))
        + '        </HORAIRES>\n        <ALTERNANCES>\n'
        '            <ALTERNANCE CODE="H">\n'
        '                <LIBELLE_COURT>Cours Hebd</LIBELLE_COURT>\n'
        '                <LIBELLE_LONG>Cours Hebdomadaire</LIBELLE_LONG>\n'
        '                <SEMAINES>\n' + semaines + '                </SEMAINES>\n'
        '            </ALTERNANCE>\n        </ALTERNANCES>\n'
        '        <SALLES_COURS>\n            <SALLE_COURS CODE="15">\n'
        '                <GROUPE_SALLE></GROUPE_SALLE>\n                <LOCALISATION></LOCALISATION>\n'
        '            </SALLE_COURS>\n        </SALLES_COURS>\n')
    structure = _structure(division, group, where, 8).replace(
        "        </STRUCTURE>\n", extra_structure + "        </STRUCTURE>\n")
    text = ('<?xml version="1.0" encoding="ISO-8859-15"?>\n<EDT_STS>\n    <PARAMETRES>\n'
            '        <UAJ>0771991W</UAJ>\n        <ANNEE_SCOLAIRE>2018</ANNEE_SCOLAIRE>\n'
            '        <APPLICATION_SOURCE>EDITEUR_PRIVE</APPLICATION_SOURCE>\n'
            '    </PARAMETRES>\n    <DONNEES>\n'
            + (structure + calendar if calendar_last else calendar + structure)
            + '    </DONNEES>\n</EDT_STS>\n')
    return text.encode("iso-8859-15")
