"""Writing converted records into the staging tables: COPY on PostgreSQL, bulk_create elsewhere."""

from operator import gt, itemgetter

import orjson
from django.db import connection
from psycopg.types.json import set_json_dumps

from annuaire.models import (
    Fonction,
    MatiereEnseignee,
    Parente,
    Regroupement,
    StagedEtablissement,
    StagedLink,
    StagedMatiere,
    StagedMef,
    StagedPerson,
)

MODELS = {
    "etab": StagedEtablissement,
    "matiere": StagedMatiere,
    "mef": StagedMef,
    "person": StagedPerson,
    "link": StagedLink,
}
LINK_COLUMNS = ("kind", "etab_aaf", "code", "code2", "code3", "code4", "n1", "n2", "n3", "n4")


def _columns(model):
    return tuple(f.column for f in model._meta.concrete_fields if f.column != "id")


COLUMNS = {table: _columns(model) for table, model in MODELS.items()}
_PG_TYPES = {"CharField": "text", "IntegerField": "int4", "SmallIntegerField": "int2",
             "BooleanField": "bool", "DateField": "date", "JSONField": "jsonb"}
COPY_TYPES = {
    table: [_PG_TYPES[model._meta.get_field(c).get_internal_type()] for c in COLUMNS[table]]
    for table, model in MODELS.items()
}
# Values a delete request leaves empty.
_DEFAULTS = {
    "etab": {}, "matiere": {}, "mef": {},
    "person": {"birth_date": None, "boursier": None, "transport": None, "teaches": None},
}


# Where a too long value comes from, to name it in the rejection.
_ATTRIBUTE_OF = {
    "person": {
        "aaf_id": "identifiant", "civilite": "personalTitle", "last_name": "sn",
        "first_name": "givenName", "birth_name": "ENTPersonNomPatro", "email": "mail",
        "phone_home": "homePhone", "phone_work": "telephoneNumber",
        "phone_mobile": "ENTPersonMobileSMS", "postal_code": "ENTPersonCodePostal",
        "city": "ENTPersonVille", "country": "ENTPersonPays", "ine": "ENTEleveINE",
        "eleve_struct_id": "ENTEleveStructRattachId", "regime": "ENTEleveRegime",
        "statut": "ENTEleveStatutEleve", "mef_code": "ENTEleveMEF",
        "mef_libelle": "ENTEleveLibelleMEF", "niveau": "ENTEleveNivFormation",
        "filiere": "ENTEleveFiliere", "main_etab_aaf": "ENTPersonStructRattach",
    },
    "etab": {
        "aaf_id": "identifiant", "uai": "ENTStructureUAI", "name": "ENTStructureNomCourant",
        "type_label": "ENTStructureTypeStruct", "type_code": "ENTStructureCodeTypeStruct",
        "contrat": "ENTEtablissementContrat", "ministere": "ENTEtablissementMinistereTutelle",
        "ministere_code": "ENTEtablissementCodeMinistereTutelle", "siret": "ENTStructureSIREN",
        "po_box": "postOfficeBox", "postal_code": "postalCode", "city": "l",
        "phone": "telephoneNumber", "fax": "facsimileTelephoneNumber", "mail": "ENTStructureMailSI",
        "bassin": "ENTEtablissementBassin", "academie": "ENTServAcAcademie",
        "academie_code": "ENTServAcCodeAcademie",
    },
    "matiere": {"code": "identifiant", "libelle": "ENTLibelleMatiere"},
    "mef": {"code": "identifiant", "libelle": "ENTLibelleMef", "rattach": "ENTMEFRattach",
            "stat11": "ENTMEFSTAT11"},
}
_LINK_ATTRIBUTE = {
    "division": "ENTEleveClasses", "groupe": "ENTEleveGroupes", "ens_division": "ENTAuxEnsClasses",
    "ens_groupe": "ENTAuxEnsGroupes", "principal": "ENTAuxEnsClassesPrincipal",
    "fonction": "ENTPersonFonctions", "matiere_etab": "ENTAuxEnsMatiereEnseignEtab",
    "parente": "ENTElevePersRelEleve", "role": "ENTPersonStructRattach",
}


def _max(model, name):
    return model._meta.get_field(name).max_length


_ROW_LIMITS = {
    table: {f.column: f.max_length for f in MODELS[table]._meta.concrete_fields
            if getattr(f, "max_length", None) and f.column != "op"}
    for table in ("etab", "matiere", "mef", "person")
}
_REGROUPEMENT = {"code": _max(Regroupement, "code")}
# A link value ends in a directory column that may be narrower than its staging column.
_LINK_LIMITS = {
    "division": _REGROUPEMENT, "groupe": _REGROUPEMENT, "ens_division": _REGROUPEMENT,
    "ens_groupe": _REGROUPEMENT, "principal": _REGROUPEMENT,
    "fonction": {"code": _max(Fonction, "code"), "code2": _max(Fonction, "libelle"),
                 "code3": _max(Fonction, "discipline_code"),
                 "code4": _max(Fonction, "discipline_libelle")},
    "matiere_etab": {"code": _max(MatiereEnseignee, "libelle")},
    "parente": {"code2": _max(Parente, "lien_code")},
}
_LINK_STAGED = {c: _max(StagedLink, c) for c in ("etab_aaf", "code", "code2", "code3", "code4")}


_LINK_COLUMNS = ("etab_aaf", "code", "code2", "code3", "code4")
_ROW_CHECKS = {table: tuple(limits.items()) for table, limits in _ROW_LIMITS.items()}


def _link_limits(kind):
    return tuple(min(_LINK_STAGED[c], _LINK_LIMITS.get(kind, {}).get(c, 10**6))
                 for c in _LINK_COLUMNS)


_LINK_CHECKS = {kind: _link_limits(kind) for kind in _LINK_ATTRIBUTE}


# The same checks as one pass in C over each row and link: nearly every record passes them,
# and only one that fails is looked at again, value by value, to name what is too long.
_ROW_VALUES = {table: (itemgetter(*(c for c, _ in checks)), tuple(n for _, n in checks))
               for table, checks in _ROW_CHECKS.items()}
_LINK_VALUES = itemgetter(*range(1, len(_LINK_COLUMNS) + 1))


def _fits(converted):
    row = converted.row
    if "key" in row:
        return False
    values, limits = _ROW_VALUES[converted.table]
    try:
        if any(map(gt, map(len, values(row)), limits)):
            return False
        for link in converted.links:
            if any(map(gt, map(len, _LINK_VALUES(link)), _LINK_CHECKS[link[0]])):
                return False
    except (KeyError, TypeError):  # a value missing or not text: the careful way decides
        return False
    return True


def too_long(converted):
    """Why a converted record holds a value too long for the directory, in French, or None.

    PostgreSQL refuses such a value and would stop the whole import: the record is rejected
    instead.
    """
    if _fits(converted):
        return None
    row, table = converted.row, converted.table
    if "key" in row:
        row = {("aaf_id" if table in {"etab", "person"} else "code"): row["key"]}
    for column, limit in _ROW_CHECKS[table]:
        value = row.get(column)
        if value.__class__ is str and len(value) > limit:
            return (f"{_ATTRIBUTE_OF[table].get(column, column)} : valeur trop longue "
                    f"({len(value)} caractères, {limit} au plus)")
    for link in converted.links:
        limits = _LINK_CHECKS.get(link[0]) or _link_limits(link[0])
        for position, limit in enumerate(limits, start=1):
            value = link[position]
            if len(value) > limit:
                return (f"{_LINK_ATTRIBUTE.get(link[0], link[0])} : valeur trop longue "
                        f"({len(value)} caractères, {limit} au plus) : « {value[:30]}… »")
    return None


def _empty_row(table, key, op, file_idx, line):
    row = dict.fromkeys(COLUMNS[table], "")
    row.update(_DEFAULTS[table])
    row.update(op=op, aaf_hash="", file_idx=file_idx, line=line, extra={})
    if table == "person":
        row["skipped"] = False
    row["aaf_id" if table in {"etab", "person"} else "code"] = key
    return row


_ROW_TUPLE = {table: itemgetter(*columns) for table, columns in COLUMNS.items()}
_SKIPPED_TEMPLATE = tuple({**_empty_row("person", "", "", 0, 0), "skipped": True}[c]
                          for c in COLUMNS["person"])
_PERSON_POSITION = {column: i for i, column in enumerate(COLUMNS["person"])}


def staging_truncate():
    tables = [model._meta.db_table for model in MODELS.values()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")


def live_digests(aaf_ids):
    """aaf_id → (digest, main establishment) of the active people of ``aaf_ids`` whose last
    record left nothing pending: those a record with the same digest leaves as they are."""
    from annuaire.models import Person

    table = Person._meta.db_table
    where = "aaf_id = ANY(%s)" if connection.vendor == "postgresql" else (
        f"aaf_id IN ({', '.join(['%s'] * len(aaf_ids))})")
    params = [list(aaf_ids)] if connection.vendor == "postgresql" else list(aaf_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT aaf_id, aaf_hash, main_etab_aaf FROM {table} WHERE {where} "
            "AND deactivated_at IS NULL AND NOT aaf_incomplete", params)
        return {aaf_id: (digest, etab) for aaf_id, digest, etab in cursor.fetchall()}


def directory_has_feed_people():
    from annuaire.models import Person

    return Person.objects.filter(aaf_id__isnull=False).exists()


class StagingWriter:
    """Buffers staging rows and writes them in batches."""

    too_long = staticmethod(too_long)

    def add_skipped(self, *, aaf_id, population, op, digest, main_etab, file_idx, line):
        """A record identical to the directory's: its identity only, for the merge's counts
        and absences."""
        values = list(_SKIPPED_TEMPLATE)
        for column, value in (("aaf_id", aaf_id), ("population", population), ("op", op),
                              ("aaf_hash", digest), ("main_etab_aaf", main_etab),
                              ("file_idx", file_idx), ("line", line)):
            values[_PERSON_POSITION[column]] = value
        self._push("person", tuple(values))

    BATCH = 5000

    def __init__(self):
        self.buffers = {table: [] for table in MODELS}
        self.counts = dict.fromkeys(MODELS, 0)
        self.postgres = connection.vendor == "postgresql"

    def add(self, converted, file_idx, line):
        row = converted.row
        table = converted.table
        if row.get("op") == "delete" and "key" in row:
            deleted = _empty_row(table, row["key"], "delete", file_idx, line)
            if "population" in row:
                deleted["population"] = row["population"]
            row = deleted
        else:
            row["file_idx"] = file_idx
            row["line"] = line
            if table == "person":
                row.setdefault("skipped", False)
        self._push(table, _ROW_TUPLE[table](row))
        if converted.links:
            person = row["aaf_id"]
            links = self.buffers["link"]
            links.extend([(person, *link, file_idx, line) for link in converted.links])
            if len(links) >= self.BATCH:
                self._flush("link")

    def _push(self, table, values):
        buffer = self.buffers[table]
        buffer.append(values)
        if len(buffer) >= self.BATCH:
            self._flush(table)

    def _flush(self, table):
        rows = self.buffers[table]
        if not rows:
            return
        self.counts[table] += len(rows)
        columns = COLUMNS[table]
        if self.postgres:
            # Binary COPY: half the client's work of text, and less parsing for the server.
            sql = (f"COPY {MODELS[table]._meta.db_table} ({', '.join(columns)}) "
                   "FROM STDIN (FORMAT BINARY)")
            with connection.cursor() as cursor:
                # orjson: a pupil's ``extra`` (their teachings) cost more to encode with the
                # standard library than the rest of their row.
                set_json_dumps(orjson.dumps, context=cursor.cursor)
                with cursor.copy(sql) as copy:
                    copy.set_types(COPY_TYPES[table])
                    for values in rows:
                        copy.write_row(values)
        else:
            model = MODELS[table]
            names = [model._meta.get_field(c).attname if c != "id" else c for c in columns]
            model.objects.bulk_create(
                [model(**dict(zip(names, values, strict=True))) for values in rows],
                batch_size=500,
            )
        self.buffers[table] = []

    def close(self):
        for table in MODELS:
            self._flush(table)
        return dict(self.counts)
