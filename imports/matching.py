"""Matching a timetable's names to the directory of one establishment.

Pure functions over a ``Directory`` snapshot (built by ``imports.selectors``): the identifiers
the file carries first (STS id, Pronote id), then names without accents, case or punctuation,
with the birth date where the file has one. A remembered rapprochement (the admin's choice)
always wins; an entry marked to ignore stays unmatched and is not counted as missing.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from annuaire.text import name_key

IGNORED = "ignore"


@dataclass
class Directory:
    """What matching needs of an establishment, keyed for look-ups."""

    # person id by each key a teacher can be found by
    teachers_by_sts: dict = field(default_factory=dict)
    teachers_by_name: dict = field(default_factory=lambda: defaultdict(list))
    teacher_birth: dict = field(default_factory=dict)
    divisions: dict = field(default_factory=dict)  # name_key(code) -> regroupement id
    groups: dict = field(default_factory=dict)
    subjects_by_code: dict = field(default_factory=dict)  # national code -> matiere id
    subjects_by_label: dict = field(default_factory=dict)
    # (kind, source key) -> target id or IGNORED, from the admin's rapprochements
    remembered: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    kind: str  # "teacher", "division", "group", "subject"
    source_key: str  # what the rapprochement remembers: stable across uploads
    label: str  # shown to the admin
    target: int | None  # directory id, None when unmatched
    how: str  # "identifiant", "nom", "nom et date de naissance", "rapprochement", "ignoré", ""


def teacher_key(last_name, first_name):
    """How a teacher is found by name, on both sides: the file's and the directory's."""
    return f"{name_key(last_name)}|{name_key(first_name)}"


def _remembered(directory, kind, key, label):
    chosen = directory.remembered.get((kind, key))
    if chosen == IGNORED:
        return Match(kind, key, label, None, "ignoré")
    if chosen is not None:
        return Match(kind, key, label, chosen, "rapprochement")
    return None


def teacher_match(directory, teacher):
    key = teacher_key(teacher.last_name, teacher.first_name)
    label = f"{teacher.last_name.upper()} {teacher.first_name}".strip()
    found = _remembered(directory, "teacher", key, label)
    if found:
        return found
    if teacher.sts_id and teacher.sts_id in directory.teachers_by_sts:
        return Match("teacher", key, label, directory.teachers_by_sts[teacher.sts_id],
                     "identifiant")
    candidates = directory.teachers_by_name.get(key, [])
    if teacher.birth_date:
        born = [pk for pk in candidates if directory.teacher_birth.get(pk) == teacher.birth_date]
        if len(born) == 1:
            return Match("teacher", key, label, born[0], "nom et date de naissance")
    if len(candidates) == 1:
        return Match("teacher", key, label, candidates[0], "nom")
    return Match("teacher", key, label, None, "")


def structure_match(directory, kind, name):
    key = name_key(name)
    found = _remembered(directory, kind, key, name)
    if found:
        return found
    table = directory.divisions if kind == "division" else directory.groups
    target = table.get(key)
    if target is None and kind == "group":
        # Timetable software often makes a group of what SIECLE calls a division, and back.
        target = directory.divisions.get(key)
    return Match(kind, key, name, target, "nom" if target else "")


def subject_match(directory, subject):
    key = subject.national_code or name_key(subject.code or subject.label)
    label = subject.label or subject.code
    found = _remembered(directory, "subject", key, label)
    if found:
        return found
    if subject.national_code and subject.national_code in directory.subjects_by_code:
        return Match("subject", key, label, directory.subjects_by_code[subject.national_code],
                     "identifiant")
    target = directory.subjects_by_label.get(name_key(subject.label))
    return Match("subject", key, label, target, "nom" if target else "")
