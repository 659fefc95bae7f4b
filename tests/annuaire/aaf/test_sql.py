"""The merge's bulk path (indexes and constraints dropped, rebuilt after), at a size tests afford.

An académie reaches it with 50,000 rows; here the threshold is lowered so that a few records
take the same path on PostgreSQL.
"""

import pytest
from django.db import IntegrityError, connection, transaction

from annuaire.aaf import sql as sql_module
from annuaire.aaf.sql import Sql
from annuaire.models import Parente, Person, Role

from .builders import Runner, eleve, etab, relative

pytestmark = pytest.mark.skipif("connection.vendor != 'postgresql'",
                                reason="the bulk path is PostgreSQL's")
ROLE = Role._meta.db_table
COLLEGE = etab("1001", "0690001A", "CLG$COLLEGE JEAN MOULIN$LYON")


def definitions(table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", (table,))
        indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass",
                       (table,))
        return indexes, {row[0] for row in cursor.fetchall()}


@pytest.fixture
def small_bulk(monkeypatch):
    monkeypatch.setattr(sql_module, "BULK_MIN_ROWS", 1)


@pytest.mark.django_db(transaction=True)
def test_kept_dropped_until_the_next_bulk_insert_rebuilds_them(small_bulk):
    before = definitions(ROLE)
    with transaction.atomic():
        sql = Sql()
        sql.first_import = True
        with sql.bulk_insert(ROLE, 10, keep_dropped=True):
            pass
        indexes, constraints = definitions(ROLE)
        assert indexes < before[0] and constraints < before[1]
        # The second insert finds them dropped already and rebuilds them once it is done.
        with sql.bulk_insert(ROLE, 10):
            assert definitions(ROLE) == (indexes, constraints)
        assert definitions(ROLE) == before
        assert sql.dropped == {}
        sql.close()


@pytest.mark.django_db(transaction=True)
def test_a_duplicate_met_by_the_rebuild_fails_the_whole_transaction(small_bulk):
    person = Person.objects.create(login="lea.dupont", last_name="Dupont", first_name="Léa")
    with pytest.raises(IntegrityError), transaction.atomic():
        sql = Sql()
        sql.first_import = True
        with sql.bulk_insert(ROLE, 10, keep_dropped=True):
            for _ in range(2):
                sql.run(f"INSERT INTO {ROLE} (person_id, role, source) "
                        "VALUES (%s, 'eleve', 'aaf')", (person.pk,))
        sql.restore()
    assert Role.objects.count() == 0
    assert definitions(ROLE)[0] >= {"role_etab_idx"}


@pytest.mark.django_db(transaction=True)
def test_first_import_on_the_bulk_path_gives_the_same_directory(small_bulk, tmp_path):
    before = {table: definitions(table) for table in (ROLE, Parente._meta.db_table,
                                                      Person._meta.db_table)}
    family = ["900$10$1$1$0$0", "901$20$1$1$0$0"]
    result = Runner(tmp_path)({
        "EtabEducNat": [COLLEGE],
        "Eleve": [eleve(str(i), relatives=family) for i in range(1, 4)],
        "PersRelEleve": [relative("900"), relative("901", given="Jean")],
    })
    assert result.status == "applied"
    assert sorted(Role.objects.values_list("person__aaf_id", "role")) == [
        ("1", "eleve"), ("2", "eleve"), ("3", "eleve"), ("900", "parent"), ("901", "parent")]
    assert Parente.objects.count() == 6
    # Every index and constraint is back, the parents' roles included.
    assert {table: definitions(table) for table in before} == before
