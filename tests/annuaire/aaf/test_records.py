"""From parsed records to staging rows: fields, relations, rejections and warnings (pure)."""

import datetime

import pytest

from annuaire.aaf.parser import AafParser, AafRecord
from annuaire.aaf.records import PersonConverter, convert_structure, parse_date

POSITIONS = "entcore/positions-2024/{}/ENT2DVA-ENT16_Complet_20240916_{}_0000.xml"


def rec(identifier, attrs, op="add", category="Eleve", line=12):
    attrs = {k: (list(v) if isinstance(v, (list, tuple)) else [v]) for k, v in attrs.items()}
    return AafRecord(op=op, category=category, identifier=identifier, attributes=attrs, line=line)


def person(identifier="100", **attrs):
    base = {"ENTPersonJointure": identifier, "sn": "Dupont", "givenName": "Léa",
            "ENTPersonDateNaissance": "14/09/2010", "ENTPersonStructRattach": "1001"}
    base.update(attrs)
    return rec(identifier, {k: v for k, v in base.items() if v is not None})


def eleve(legal_2_is_guardian=True, **attrs):
    return PersonConverter("Eleve", legal_2_is_guardian).convert(person(**attrs))


def staff(**attrs):
    attrs.setdefault("ENTPersonDateNaissance", "01/01/1980")
    return PersonConverter("PersEducNat", False).convert(person(**attrs))


def sample_records(aaf_samples, relative):
    return list(AafParser(aaf_samples / relative, relative, 10**8).records())


# --- Dates ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "expected"), [
    ("14/09/1995", datetime.date(1995, 9, 14)), ("1/2/2003", datetime.date(2003, 2, 1)),
    ("", None),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/2010", "2010-09-14", "14/09/95", "14/09", "demain", "00/00/0000"])
def test_parse_date_refuses(value):
    with pytest.raises(ValueError):
        parse_date(value)


# --- Structures -----------------------------------------------------------------------------
def test_etab_2024_sample(aaf_samples):
    [record] = sample_records(aaf_samples, POSITIONS.format("before", "EtabEducNat"))
    converted = convert_structure(record, "EtabEducNat")
    row = converted.row
    assert converted.rejection is None and converted.unknown == []
    assert (row["aaf_id"], row["uai"], row["name"]) == ("43", "0123456A", "CLG INTEGRATION (PARIS)")
    assert (row["type_code"], row["ministere_code"], row["academie_code"]) == ("340", "06", "013")
    assert row["extra"] == {}
    assert len(row["aaf_hash"]) == 32


def test_etab_2013_name_without_dollars_and_bassin(aaf_samples):
    records = sample_records(
        aaf_samples, "entcore/aaf-test/FULL_ENTTSSERVICES_Complet_20130117_EtabEducNat_0000.xml")
    rows = [convert_structure(r, "EtabEducNat").row for r in records]
    assert [r["aaf_id"] for r in rows] == [str(52000 + i) for i in range(10)]
    assert rows[0]["name"] == "Z.REMP-DIGNE-AIX_MARS."
    assert rows[0]["academie"] == "AIX-MARSEILLE"


def test_etab_unknown_attribute_is_kept_in_extra():
    record = rec("43", {"ENTStructureJointure": "43", "ENTStructureUAI": "0750043a",
                        "ENTStructureNouveau2030": ["a", "b"]}, category="EtabEducNat")
    converted = convert_structure(record, "EtabEducNat")
    assert converted.unknown == ["ENTStructureNouveau2030"]
    assert converted.row["extra"] == {"ENTStructureNouveau2030": ["a", "b"]}
    assert converted.row["uai"] == "0750043A"
    assert converted.row["name"] == "0750043a"


@pytest.mark.parametrize(("population", "attrs", "code", "message"), [
    ("EtabEducNat", {"ENTStructureJointure": "43"}, "attribut_obligatoire",
     "UAI absent (ENTStructureUAI)"),
    ("EtabEducNat", {"ENTStructureJointure": "44", "ENTStructureUAI": "0750043A"},
     "identifiant_incoherent", "identifiant 43 différent de l'attribut de jointure (44)"),
    ("MatiereEducNat", {"ENTMatJointure": "43"}, "attribut_obligatoire",
     "libellé absent (ENTLibelleMatiere)"),
    ("MefEducNat", {"ENTMefJointure": "43"}, "attribut_obligatoire", "libellé absent (ENTLibelleMef)"),
])
def test_structure_rejections(population, attrs, code, message):
    converted = convert_structure(rec("43", attrs, category=population), population)
    assert converted.row is None
    assert (converted.rejection.code, converted.rejection.message, converted.rejection.identifier) == (
        code, message, "43")


def test_structure_without_identifier_and_delete():
    converted = convert_structure(rec("", {"ENTMatJointure": "1"}), "MatiereEducNat")
    assert (converted.rejection.code, converted.rejection.message) == (
        "sans_identifiant", "identifiant absent")
    converted = convert_structure(rec("061300", {}, op="delete"), "MatiereEducNat")
    assert converted.row == {"op": "delete", "key": "061300"}


def test_matiere_and_mef_rows():
    row = convert_structure(rec("061300", {"ENTMatJointure": "061300",
                                           "ENTLibelleMatiere": "MATHEMATIQUES"}),
                            "MatiereEducNat").row
    assert (row["code"], row["libelle"], row["op"]) == ("061300", "MATHEMATIQUES", "add")
    row = convert_structure(rec("10310019110", {"ENTMefJointure": "10310019110",
                                                "ENTLibelleMef": "3EME", "ENTMEFRattach": "103",
                                                "ENTMEFSTAT11": "10310"}), "MefEducNat").row
    assert (row["code"], row["libelle"], row["rattach"], row["stat11"]) == (
        "10310019110", "3EME", "103", "10310")


# --- Person rejections ----------------------------------------------------------------------
@pytest.mark.parametrize(("changes", "code", "message"), [
    ({"ENTPersonJointure": "999"}, "identifiant_incoherent",
     "identifiant 100 différent de ENTPersonJointure (999)"),
    ({"sn": ""}, "attribut_obligatoire", "nom d'usage absent (sn)"),
    ({"sn": None}, "attribut_obligatoire", "nom d'usage absent (sn)"),
    ({"givenName": ""}, "attribut_obligatoire", "prénom absent (givenName)"),
    ({"ENTPersonDateNaissance": "31/02/2010"}, "date_illisible",
     "date de naissance illisible « 31/02/2010 » (attendu JJ/MM/AAAA)"),
    ({"ENTPersonDateNaissance": "2010-02-01"}, "date_illisible",
     "date de naissance illisible « 2010-02-01 » (attendu JJ/MM/AAAA)"),
])
def test_person_rejections(changes, code, message):
    converted = eleve(**changes)
    assert converted.row is None
    issue = converted.rejection
    assert (issue.code, issue.message, issue.identifier, issue.etab_aaf) == (code, message, "100", "1001")


def test_person_without_identifier():
    converted = PersonConverter("Eleve", True).convert(rec("", {"sn": "X", "givenName": "Y"}))
    assert (converted.rejection.code, converted.rejection.message, converted.rejection.identifier) == (
        "sans_identifiant", "identifiant absent", "")


def test_person_delete_row():
    converted = PersonConverter("PersRelEleve", True).convert(rec("7", {}, op="delete"))
    assert converted.row == {"op": "delete", "key": "7", "population": "PersRelEleve"}
    assert converted.links == []


# --- Pupils ---------------------------------------------------------------------------------
def test_2013_pupil_sample(aaf_samples):
    record = sample_records(
        aaf_samples, "entcore/aaf-test/FULL_ENTTSSERVICES_Complet_20130117_Eleve_0001.xml")[0]
    converted = PersonConverter("Eleve", True).convert(record)
    row = converted.row
    assert (row["aaf_id"], row["profile"], row["last_name"], row["first_name"]) == (
        "2605692", "eleve", "Long", "Kù")
    assert row["birth_date"] == datetime.date(1995, 9, 14)
    assert (row["birth_name"], row["eleve_struct_id"], row["main_etab_aaf"]) == ("AZOT", "837982", "52006")
    assert (row["boursier"], row["transport"], row["regime"]) == (False, False, "EXTERNE LIBRE")
    assert row["other_first_names"] == "Jetsmao, Xzuzcosvo, Pykewi"
    assert row["login_base"] == "ku.long"
    assert row["search_name"] == "long ku azot"
    assert row["extra"]["enseignements"][0] == ["278300", "ARTS APPLIQUES ET CULTURES ARTISTIQUES"]
    assert len(row["extra"]["enseignements"]) == 8
    assert "attributs_inconnus" not in row["extra"]
    assert converted.links == [
        ("division", "52006", "RUS1TERM", "", "", "", 0, 0, 0, 0),
        ("groupe", "52006", "206", "", "", "", 0, 0, 0, 0),
        ("parente", "", "2867253", "2", "1", "", 1, 1, 0, 0),
        ("parente", "", "2867254", "1", "1", "", 0, 2, 0, 0),
        ("role", "52006", "eleve", "", "", "", 0, 0, 0, 0),
    ]
    assert converted.warnings == []


def test_legal_2_follows_the_setting():
    value = ["2$2$1$1$0$0", "3$1$0$2$0$0", "4$4$0$0$1$0"]
    guardian = {link[2]: link[4] for link in eleve(True, ENTElevePersRelEleve=value).links
                if link[0] == "parente"}
    in_charge = {link[2]: link[4] for link in eleve(False, ENTElevePersRelEleve=value).links
                 if link[0] == "parente"}
    assert guardian == {"2": "1", "3": "1", "4": "0"}
    assert in_charge == {"2": "1", "3": "0", "4": "0"}


def test_pupil_2020_new_attributes_and_self_reference():
    converted = eleve(
        ENTEleveINE="100000000AA", ENTEleveClasses=["1001$1AQUA", "1001$1 TES 2"],
        ENTEleveGroupes=["1001$G1", "1001$G1"],
        ENTElevePersRelEleve=["100$70$0$1$0$0", "200$10$1$1$1$1", "300$20$0$1$0$0"],
        ENTEleveDateEntreeClasses="1001$18/08/2020$1AQUA", ENTPersonAdresse="1 rue de Test$$$",
        ENTEleveNouveau="x",
    )
    row = converted.row
    assert row["ine"] == "100000000AA"
    assert row["address"] == "1 rue de Test"
    assert row["extra"] == {"ENTEleveDateEntreeClasses": ["1001$18/08/2020$1AQUA"],
                            "attributs_inconnus": {"ENTEleveNouveau": ["x"]}}
    assert converted.unknown == ["ENTEleveNouveau"]
    kinds = [(link[0], link[2]) for link in converted.links]
    # The pupil's own id (« élève lui-même ») is not a relative; a repeated group counts once.
    assert kinds == [("division", "1 TES 2"), ("division", "1AQUA"), ("groupe", "G1"),
                     ("parente", "200"), ("parente", "300"), ("role", "eleve")]


def test_malformed_relation_values_are_dropped_with_a_warning():
    converted = eleve(ENTEleveClasses=["1001", "1001$3A"], ENTEleveGroupes=["$G1"],
                      ENTElevePersRelEleve=["200$1$x$1$0$0", "300$2$0$1$0$0"])
    assert converted.rejection is None
    assert [(w.code, w.message, w.identifier, w.etab_aaf) for w in converted.warnings] == [
        ("valeur_mal_formee", "ENTEleveClasses : valeur « 1001 » mal formée (attendu 2 champs "
         "séparés par $), ignorée", "100", "1001"),
        ("valeur_mal_formee", "ENTEleveGroupes : valeur « $G1 » mal formée (attendu 2 champs "
         "séparés par $), ignorée", "100", "1001"),
        ("valeur_mal_formee", "ENTElevePersRelEleve : valeur « 200$1$x$1$0$0 » mal formée, "
         "ignorée", "100", "1001"),
    ]
    assert [(link[0], link[2]) for link in converted.links] == [
        ("division", "3A"), ("parente", "300"), ("role", "eleve")]


def test_pupil_without_rattach_takes_the_etab_of_a_class():
    converted = eleve(ENTPersonStructRattach="", ENTEleveClasses="2002$4B")
    assert converted.row["main_etab_aaf"] == "2002"


# --- Staff ----------------------------------------------------------------------------------
def test_2024_staff_sample(aaf_samples):
    records = sample_records(aaf_samples, POSITIONS.format("after", "PersEducNat"))
    converter = PersonConverter("PersEducNat", False)
    by_id = {r.identifier: converter.convert(r) for r in records}
    assert {k: v.row["profile"] for k, v in by_id.items()} == {
        "314159": "enseignant", "314160": "enseignant", "314161": "personnel"}
    assert by_id["314159"].links == [
        ("fonction", "43", "AEH", "ACCOMPAGNEMENT", "D0021", "ACCOMPAGNEMENT ELEVES SITUATION HANDICAP",
         0, 0, 0, 0),
        ("fonction", "43", "DIR", "PRESTATIONS", "D0011", "ENTRETIEN", 0, 0, 0, 0),
        ("role", "43", "direction", "", "", "", 0, 0, 0, 0),
        ("role", "43", "personnel", "", "", "", 0, 0, 0, 0),
    ]
    assert [link[2:4] for link in by_id["314161"].links if link[0] == "fonction"] == [
        ("DIR", "ARTICHAUT"), ("DIR", "LEGUMES"), ("DIR", "LEGUMES")]
    assert [link[2] for link in by_id["314160"].links if link[0] == "role"] == ["enseignant"]
    assert by_id["314159"].row["extra"] == {
        "ENTAuxEnsCategoDiscipline": ["00$NON SPECIALISE", "01$PHILOSOPHIE"],
        "ENTAuxEnsDisciplinesPoste": ["CHEF D'ETABLISSEMENT ADJOINT$00"]}


@pytest.mark.parametrize(("attrs", "profile"), [
    ({"ENTPersonCategorieEnseignant": "N", "PersEducNatPresenceDevantEleves": "O"}, "personnel"),
    ({"ENTPersonCategorieEnseignant": "O", "ENTPersonFonctions": "1001$DIR$DIRECTION"}, "enseignant"),
    ({"PersEducNatPresenceDevantEleves": "O", "ENTPersonFonctions": ""}, "enseignant"),
    ({"PersEducNatPresenceDevantEleves": "N", "ENTPersonFonctions": "1001$DOC$DOCUMENTATION"},
     "enseignant"),
    ({"PersEducNatPresenceDevantEleves": "N", "ENTPersonFonctions": "1001$EDU$EDUCATION"}, "personnel"),
])
def test_teacher_or_staff(attrs, profile):
    assert staff(**attrs).row["profile"] == profile


def test_staff_teaching_links_and_roles_per_etab():
    converted = staff(
        ENTPersonStructRattach="1001",
        ENTPersonFonctions=["1001$ENS$ENSEIGNEMENT$L1300$MATHEMATIQUES", "2002$EDU$EDUCATION",
                            "2002$-$SANS OBJET", "3003$ADF$ADMINISTRATION"],
        ENTAuxEnsClasses=["1001$3A", "1001$3A", "1001$4B"],
        ENTAuxEnsClassesMatieres=["1001$3A$061300", "1001$3A$030201"],
        ENTAuxEnsGroupesMatieres=["1001$3LATIN$020700"],
        ENTAuxEnsClassesPrincipal="1001$3A", ENTAuxEnsMatiereEnseignEtab="1001$MATHEMATIQUES",
        ENTEnsFonctionDir="3003",
    )
    assert converted.row["profile"] == "enseignant"
    assert converted.links == [
        ("ens_division", "1001", "3A", "030201", "", "", 0, 0, 0, 0),
        ("ens_division", "1001", "3A", "061300", "", "", 0, 0, 0, 0),
        ("ens_division", "1001", "4B", "", "", "", 0, 0, 0, 0),
        ("ens_groupe", "1001", "3LATIN", "020700", "", "", 0, 0, 0, 0),
        ("fonction", "1001", "ENS", "ENSEIGNEMENT", "L1300", "MATHEMATIQUES", 0, 0, 0, 0),
        ("fonction", "2002", "EDU", "EDUCATION", "", "", 0, 0, 0, 0),
        ("fonction", "3003", "ADF", "ADMINISTRATION", "", "", 0, 0, 0, 0),
        ("matiere_etab", "1001", "MATHEMATIQUES", "", "", "", 0, 0, 0, 0),
        ("principal", "1001", "3A", "", "", "", 0, 0, 0, 0),
        ("role", "1001", "enseignant", "", "", "", 0, 0, 0, 0),
        ("role", "2002", "vie_scolaire", "", "", "", 0, 0, 0, 0),
        ("role", "3003", "direction", "", "", "", 0, 0, 0, 0),
        ("role", "3003", "personnel", "", "", "", 0, 0, 0, 0),
    ]


def test_staff_attached_without_function_gets_the_profile_role():
    converted = staff(ENTPersonStructRattach=["1001", "2002"], ENTPersonFonctions="2002$DIR$DIRECTION",
                      PersEducNatPresenceDevantEleves="N")
    assert [link[1:3] for link in converted.links if link[0] == "role"] == [
        ("1001", "personnel"), ("2002", "direction")]


# --- Hash -----------------------------------------------------------------------------------
def test_hash_is_stable_and_sees_every_feed_change():
    base = eleve(ENTElevePersRelEleve="2$2$1$1$0$0").row["aaf_hash"]
    assert eleve(ENTElevePersRelEleve="2$2$1$1$0$0").row["aaf_hash"] == base
    assert eleve(ENTElevePersRelEleve="2$2$1$1$0$0", mail="a@b.fr").row["aaf_hash"] != base
    assert eleve(ENTElevePersRelEleve="2$2$1$1$0$0", ENTEleveGroupes="1001$G2").row["aaf_hash"] != base
    # The legal-2 setting changes what the relation means, so the record counts as changed.
    assert eleve(False, ENTElevePersRelEleve="2$2$1$2$0$0").row["aaf_hash"] != eleve(
        True, ENTElevePersRelEleve="2$2$1$2$0$0").row["aaf_hash"]
