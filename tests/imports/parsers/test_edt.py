"""The EDT/PRONOTE "export ENT" parser on Index Éducation's real sample (plaintext and the
encrypted container), on containers built here as Index builds them, and on bad input."""

import base64
import datetime
import hashlib
import os
import re
import zlib
from collections import Counter

import pytest
from cryptography.hazmat.primitives import padding, serialization
from cryptography.hazmat.primitives.asymmetric import padding as asym_padding
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from lxml import etree

from imports.parsers.edt import edt_decrypt, mask_mondays, parse_edt
from imports.parsers.records import (
    Alternance,
    Course,
    CourseItem,
    Division,
    Group,
    Header,
    Pupil,
    Room,
    Subject,
    Teacher,
    TimetableFileError,
)
from tests.samples import samples_missing

from ...conftest import SAMPLES

EDT_SAMPLES = SAMPLES / "service-cahiertextes"
PLAIN = "Edt_To_LaclasseCom_0134567A_Enclair.xml"
ENCRYPTED = "Edt_To_LaclasseCom_0134567A.xml"
FIRST_MONDAY = datetime.date(2013, 9, 2)
NO_KEY = ("Ce fichier est chiffré pour les partenaires INDEXEDUCATION, LaclasseCom ; "
          "aucune clé de partenaire n'est configurée pour l'ENT")


def weeks(*numbers):
    return frozenset(FIRST_MONDAY + datetime.timedelta(weeks=n - 1) for n in numbers)


def ranges(text):
    """``"1..3,7"`` → [1, 2, 3, 7], as Index writes its comments."""
    out = []
    for part in text.split(","):
        low, _, high = part.partition("..")
        out.extend(range(int(low), int(high or low) + 1))
    return out


@pytest.fixture(scope="module")
def edt_samples():
    if not EDT_SAMPLES.exists():
        samples_missing("les échantillons EDT (../shared/samples/service-cahiertextes) sont absents")
    return EDT_SAMPLES


@pytest.fixture(scope="module")
def sample_records(edt_samples):
    return list(parse_edt(edt_samples / PLAIN))


def of(records, kind):
    return [r for r in records if isinstance(r, kind)]


# -- the real plaintext sample ---------------------------------------------------------------


def test_sample_counts_of_every_record_kind(sample_records):
    assert isinstance(sample_records[0], Header)
    assert Counter(type(r).__name__ for r in sample_records) == {
        "Header": 1, "Subject": 25, "Teacher": 31, "Division": 16, "Group": 48, "Room": 24,
        "Alternance": 2, "Course": 704, "Pupil": 426,
    }
    kinds = [type(r).__name__ for r in sample_records]
    # Everything a course refers to comes before the first course.
    assert kinds.index("Course") > max(i for i, k in enumerate(kinds) if k != "Course")


def test_sample_header(sample_records):
    assert sample_records[0] == Header(
        source="edt", uai="0134567A", year_start=datetime.date(2013, 9, 3),
        year_end=datetime.date(2014, 8, 31), first_monday=FIRST_MONDAY, file=PLAIN,
    )


def test_sample_exact_records(sample_records):
    assert Subject(ident="21", code="AGL9", label="ANGLAIS LET.ETRANG.", line=40) in sample_records
    assert Teacher(ident="2", last_name="ALBERT", first_name="MARIE DESI", pronote_id="KVX8NTH4DPQ3SYU7",
                   line=63) in sample_records
    # « 3AB WAL » is made of a part of 3B (22) and a part of 3A (67).
    assert Group(ident="3", name="3AB WAL", divisions=("3", "2"), line=210,
                 parts=("22", "67")) in sample_records
    # Pupils carry what places them in groups: their classes and class parts.
    allard = next(p for p in sample_records if isinstance(p, Pupil) and p.ident == "1")
    assert (allard.last_name, allard.ine, allard.classes, allard.parts) == (
        "ALLARD", "0000000000001", ("9",), ("2",))
    assert Division(ident="2", name="3A", line=96) in sample_records
    assert next(r for r in sample_records if isinstance(r, Room)).ident


def test_sample_first_course_times_weeks_and_items(sample_records):
    course = of(sample_records, Course)[0]
    assert course == Course(
        ident="1", day=3, start=datetime.time(12, 0), end=datetime.time(13, 0), subject="2",
        items=(CourseItem("teacher", "2"), CourseItem("group", "53"), CourseItem("room", "15503")),
        weeks=weeks(*ranges("1..7,10..16,19..25,28..33,36..44")), line=3425,
    )


def test_sample_fortnightly_courses_get_an_alternance(sample_records):
    alternances = {a.code: a for a in of(sample_records, Alternance)}
    assert alternances["A"].label == "Semaine A"
    assert alternances["A"].weeks == weeks(1, 3, 5, 7, 11, 13, 15, 19, 21, 23, 29, 31, 37, 39, 41, 43)
    assert alternances["B"].weeks == weeks(2, 4, 6, 10, 12, 14, 16, 20, 22, 28, 30, 36, 38, 40, 42, 44)
    course = next(c for c in of(sample_records, Course) if c.line == 3587)
    assert (course.day, course.start, course.end, course.subject) == (
        5, datetime.time(8), datetime.time(9), "8")
    assert course.weeks == weeks(2, 4, 6, 10, 12, 14, 16, 20, 22, 28, 30, 36, 38, 40, 42)
    assert course.alternance == "B"
    # Week 39 left out (the comment says so) is still week A.
    assert next(c for c in of(sample_records, Course) if c.line == 3575).alternance == "A"
    counts = Counter(c.alternance for c in of(sample_records, Course))
    assert counts == {"": 633, "A": 32, "B": 39}
    # Weekly courses are no alternance, nor is a course of week 1 alone.
    assert all(c.alternance == "" for c in of(sample_records, Course) if c.weeks == weeks(1))


def test_sample_teachers_audiences_and_problems(sample_records):
    courses = of(sample_records, Course)
    assert sum(not any(i.kind == "teacher" for i in c.items) for c in courses) == 100
    assert sum(not any(i.kind in ("division", "group") for i in c.items) for c in courses) == 100
    assert sum(sum(i.kind == "teacher" for i in c.items) > 1 for c in courses) == 3
    # Missing teachers and audiences are for the bilan, not problems of the file.
    assert [c for c in courses if c.problems] == []
    assert {c.end.hour * 60 + c.end.minute - c.start.hour * 60 - c.start.minute for c in courses} == {60, 120}


def test_bitmask_rule_matches_every_comment_of_the_sample(edt_samples):
    """Index writes the weeks of every mask in a comment: ``<!--Domaine : [1..7,10..16]-->``."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    tree = etree.parse(str(edt_samples / PLAIN), parser)
    checked = 0
    for comment in tree.iter(etree.Comment):
        match = re.fullmatch(r"Domaine : \[([0-9.,]+)\]", comment.text.strip())
        mask = int(comment.getparent().get("Semaines"))
        assert mask_mondays(mask, FIRST_MONDAY) == weeks(*ranges(match.group(1)))
        checked += 1
    assert checked == 1733
    assert mask_mondays(35132630760702, FIRST_MONDAY) == weeks(*ranges("1..7,10..16,19..25,28..33,36..44"))
    assert mask_mondays(2, FIRST_MONDAY) == weeks(1)
    assert mask_mondays(1, FIRST_MONDAY) == frozenset()  # bit 0 is unused


# -- courses that cannot be placed, and the newer attributes -------------------------------

GRID = b"""<?xml version="1.0" encoding="UTF-8"?>
<ExportEmploiDuTemps xmlns="http://www.index-education.com/exportemploidutemps" Version="1.1" UAI="0999999Z">
  <AnneeScolaire DateDebut="2025-09-01" DateFin="2026-07-04" DatePremierJourSemaine1="2025-09-01"/>
  <GrilleHoraire NombrePlacesParJour="4" DureePlace="60">
    <JoursOuvres><Jour>1</Jour><Jour>2</Jour><Jour>4</Jour><Jour>5</Jour></JoursOuvres>
    <PlacesParJour>
      <Place Numero="0" LibelleHeureDebut="08:00:00" LibelleHeureFin="09:00:00"/>
      <Place Numero="1" LibelleHeureDebut="09:00:00" LibelleHeureFin="10:00:00"/>
      <Place Numero="2" LibelleHeureDebut="10:15:00" LibelleHeureFin="11:15:00"/>
      <Place Numero="3" LibelleHeureDebut="11:15:00" LibelleHeureFin="12:15:00"/>
    </PlacesParJour>
  </GrilleHoraire>
  <Matieres><Matiere Ident="1" Code="MATHS" Libelle="MATHEMATIQUES"/></Matieres>
  <Professeurs>
    <Professeur Ident="7" Nom="CURIE" Prenom="Marie" DateNaissance="1970-11-07" IDSTS="4242" IDPN="PN7"/>
  </Professeurs>
  <Classes><Classe Ident="10" Nom="6A"><PartieDeClasse Ident="101"/></Classe></Classes>
  <Groupes/>
  <Salles><Salle Ident="5" Nom="S05"/></Salles>
  <Cours>
"""


def courses_of(body):
    return of(list(parse_edt(GRID + body + b"</Cours></ExportEmploiDuTemps>", file_name="edt.xml")), Course)


def test_courses_that_cannot_be_placed_are_yielded_with_their_problems():
    courses = courses_of(b"""
    <Cours Jour="1" NumeroPlaceDebut="3" NombrePlaces="2">
      <Matiere Ident="1"/><Classe Ident="10" Semaines="6"/>
    </Cours>
    <Cours Jour="3" NumeroPlaceDebut="0" NombrePlaces="1">
      <Matiere Ident="1"/><Classe Ident="10" Semaines="6"/>
    </Cours>
    <Cours Jour="2" NumeroPlaceDebut="0" NombrePlaces="1">
      <Professeur Ident="7" Semaines="6"/>
    </Cours>
    <Cours Jour="2" NumeroPlaceDebut="1" NombrePlaces="1">
      <Matiere Ident="99"/><Professeur Ident="7" Semaines="6"/>
    </Cours>
    <Cours Jour="2" NumeroPlaceDebut="2" NombrePlaces="2">
      <Matiere Ident="1"/>
    </Cours>
    <Cours Jour="8" NumeroPlaceDebut="1" NombrePlaces="0">
      <Matiere Ident="1"/><Matiere Ident="2"/>
    </Cours>
""")
    assert [(c.line, c.problems) for c in courses] == [
        (22, ("places 3 à 4 hors de la grille horaire (places 0 à 3)",)),
        (25, ("jour 3 hors des jours ouvrés (1, 2, 4, 5)",)),
        (28, ("aucune matière",)),
        (31, ("matière 99 inconnue (absente de <Matieres>)",)),
        (34, ()),  # neither teacher nor audience: for the bilan, not a problem
        (37, ("NombrePlaces=0 : un cours occupe au moins une place",
              "jour 8 hors des jours ouvrés (1, 2, 4, 5)",
              "plusieurs matières (la matière 2 est ignorée)")),
    ]
    assert [c.ident for c in courses] == ["1", "2", "3", "4", "5", "6"]
    assert (courses[0].start, courses[0].end) == (datetime.time(0), datetime.time(0))
    assert (courses[4].start, courses[4].end) == (datetime.time(10, 15), datetime.time(12, 15))


def test_item_weeks_cancellations_inclusion_and_class_parts():
    monday = datetime.date(2025, 9, 1)

    def mondays(*numbers):
        return frozenset(monday + datetime.timedelta(weeks=n - 1) for n in numbers)

    # Weeks 1-4 (mask 30); teacher 7 only weeks 1-2 (6), week 3 cancelled (8).
    (course,) = courses_of(b"""
    <Cours Jour="4" NumeroPlaceDebut="1" NombrePlaces="1" SemainesAnnulation="8">
      <Matiere Ident="1"/>
      <Professeur Ident="7" Semaines="6"/>
      <PartieDeClasse Ident="101" SemainesInclusion="30"/>
      <Salle Ident="5" Semaines="30"/>
    </Cours>
""")
    assert course.weeks == mondays(1, 2, 4)
    assert course.cancelled == mondays(3)
    assert course.items == (
        CourseItem("teacher", "7", mondays(1, 2)),
        CourseItem("division", "10"),
        CourseItem("room", "5"),
    )
    assert (course.day, course.start, course.end, course.problems) == (
        4, datetime.time(9), datetime.time(10), ())


def test_teacher_with_sts_id_and_birth_date():
    records = list(parse_edt(GRID + b"</Cours></ExportEmploiDuTemps>"))
    assert of(records, Teacher) == [Teacher(ident="7", last_name="CURIE", first_name="Marie",
                                            birth_date=datetime.date(1970, 11, 7), sts_id="4242",
                                            pronote_id="PN7", line=15)]
    assert of(records, Alternance) == []


# -- the encrypted container ---------------------------------------------------------------


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def b64_lines(data):
    text = base64.b64encode(data).decode()
    return "\n".join(text[i:i + 76] for i in range(0, len(text), 76))


def build_container(plain, public_key, *, partners=("INDEXEDUCATION", "LaclasseCom"), compress=True,
                    tamper=False):
    """An ``EXPORT_INDEX_EDUCATION`` as Index builds it: zlib, AES-128-CBC, the key block
    (key, IV, MD5 of both) RSA-encrypted for each partner, SHA-256 of the compressed bytes."""
    aes_key, iv = os.urandom(16), os.urandom(16)
    content = zlib.compress(plain) if compress else plain
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(aes_key), modes.CBC(iv)).encryptor()
    cipher_text = encryptor.update(padder.update(content) + padder.finalize()) + encryptor.finalize()
    if tamper:
        cipher_text = cipher_text[:16] + bytes([cipher_text[16] ^ 1]) + cipher_text[17:]
    block = public_key.encrypt(aes_key + iv + hashlib.md5(aes_key + iv).digest(), asym_padding.PKCS1v15())
    keys = "".join(f'<PARTENAIRE NOM="{name}">{b64_lines(block)}</PARTENAIRE>' for name in partners)
    flag = "" if compress else ' CompresseAvantChiffrement="false"'
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<EXPORT_INDEX_EDUCATION xmlns="http://www.index-education.com/conteneurexportchiffre">'
        "<VERSION>1.0</VERSION><LOGICIEL>PRONOTE 2025 - 0.1</LOGICIEL>"
        f"<CLES>{keys}</CLES><CONTENU{flag}>{b64_lines(cipher_text)}</CONTENU>"
        f"<VERIFICATION>{base64.b64encode(hashlib.sha256(content).digest()).decode()}</VERIFICATION>"
        "<DATEHEURE>2025-09-01T10:00:00.000+02:00</DATEHEURE><UAI>0134567A</UAI>"
        "<NOMETABLISSEMENT>COLLEGE</NOMETABLISSEMENT><CODEPOSTALVILLE>13013</CODEPOSTALVILLE>"
        "</EXPORT_INDEX_EDUCATION>"
    ).encode()


def pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def test_built_container_decrypts_and_parses_like_the_plaintext(edt_samples, sample_records, rsa_key):
    plain = (edt_samples / PLAIN).read_bytes()
    container = build_container(b"\xef\xbb\xbf" + plain, rsa_key.public_key())
    assert edt_decrypt(container, partner_name="LaclasseCom", private_key_pem_or_der=pem(rsa_key)) == plain
    # entcore reads a PKCS#8 DER key: accepted too.
    der = rsa_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    records = list(parse_edt(container, file_name="Edt_To_LaclasseCom_0134567A.xml",
                             partner_name="LaclasseCom", private_key=der))
    header = records[0]
    assert (header.software, header.file) == ("PRONOTE 2025 - 0.1", "Edt_To_LaclasseCom_0134567A.xml")
    assert records[1:] == sample_records[1:]
    assert header.uai == sample_records[0].uai and header.first_monday == sample_records[0].first_monday


def test_uncompressed_container(rsa_key):
    plain = GRID + b"</Cours></ExportEmploiDuTemps>"
    container = build_container(plain, rsa_key.public_key(), partners=("NEO-Open",), compress=False)
    assert edt_decrypt(container, partner_name="NEO-Open", private_key_pem_or_der=pem(rsa_key)) == plain


def test_real_encrypted_sample_without_key_names_its_partners(edt_samples, rsa_key):
    path = edt_samples / ENCRYPTED
    with pytest.raises(TimetableFileError) as error:
        list(parse_edt(path))
    assert str(error.value) == f"{ENCRYPTED} : {NO_KEY}"
    with pytest.raises(TimetableFileError) as error:
        list(parse_edt(path, partner_name="NEO-Open", private_key=pem(rsa_key)))
    assert NO_KEY in str(error.value) and "« NEO-Open »" in str(error.value)
    # Our key is not LaclasseCom's: the MD5 of the key block says so.
    with pytest.raises(TimetableFileError, match="contrôle MD5"):
        list(parse_edt(path, partner_name="LaclasseCom", private_key=pem(rsa_key)))


def test_wrong_key_tampered_content_and_unreadable_key(rsa_key):
    plain = GRID + b"</Cours></ExportEmploiDuTemps>"
    other = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    container = build_container(plain, rsa_key.public_key())
    with pytest.raises(TimetableFileError, match="ne déchiffre pas ce fichier"):
        edt_decrypt(container, partner_name="LaclasseCom", private_key_pem_or_der=pem(other))
    tampered = build_container(plain, rsa_key.public_key(), tamper=True)
    with pytest.raises(TimetableFileError, match="empreinte SHA-256"):
        list(parse_edt(tampered, file_name="x.xml", partner_name="LaclasseCom", private_key=pem(rsa_key)))
    with pytest.raises(TimetableFileError, match="clé privée configurée pour l'ENT est illisible") as error:
        edt_decrypt(container, file_name="x.xml", partner_name="LaclasseCom",
                    private_key_pem_or_der=b"no key")
    assert error.value.file == "x.xml"


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message", "line"),
    [
        (b"", "fichier vide", 1),
        (b"Cours;Jour\n1;2\n", "n'est pas un fichier XML", 1),
        (b"<?xml version='1.0'?>\n<TABLE nom='Cours'/>", "élément racine <TABLE> inattendu", 2),
        (b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;">]>\n'
         b'<ExportEmploiDuTemps UAI="&b;"/>', "DTD", 1),
        (b'<?xml version="1.0"?>\n<!DOCTYPE x SYSTEM "http://example.org/x.dtd">\n<ExportEmploiDuTemps/>',
         "DTD", 1),
        (b'<ExportEmploiDuTemps xmlns="http://www.index-education.com/exportemploidutemps">\n'
         b'  <Matieres/>\n</ExportEmploiDuTemps>', "avant <AnneeScolaire>", 2),
        (b'<ExportEmploiDuTemps>\n<AnneeScolaire DateDebut="2025-09-01" DateFin="2026" '
         b'DatePremierJourSemaine1="2025-09-01"/>\n</ExportEmploiDuTemps>', "n'est pas une date", 2),
    ],
)
def test_bad_input_names_file_and_line(data, message, line):
    with pytest.raises(TimetableFileError) as error:
        list(parse_edt(data, file_name="edt.xml"))
    assert message in str(error.value)
    assert (error.value.file, error.value.line) == ("edt.xml", line)
    assert str(error.value).startswith(f"edt.xml, ligne {line} : ")


def test_truncated_sample(edt_samples):
    data = (edt_samples / PLAIN).read_bytes()[:300_000]
    with pytest.raises(TimetableFileError, match="tronqué") as error:
        list(parse_edt(data, file_name="tronque.xml"))
    assert error.value.file == "tronque.xml"
    assert error.value.line == data.count(b"\n") + 1  # the last line, where the cut is


def test_oversize_file_is_refused_before_parsing(edt_samples):
    with pytest.raises(TimetableFileError, match="fichier trop volumineux") as error:
        list(parse_edt(edt_samples / PLAIN, max_bytes=100_000))
    assert error.value.file == PLAIN
