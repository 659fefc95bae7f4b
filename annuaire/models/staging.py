"""Staging tables an AAF import fills before it merges anything into the directory.

Only one AAF import runs at a time, so each run empties them first. They carry no index:
the merge reads them whole, with hash joins. On PostgreSQL they are UNLOGGED (migration 0002).
"""

from django.db import models


class StagedRow(models.Model):
    op = models.CharField(max_length=8)
    aaf_hash = models.CharField(max_length=32)
    file_idx = models.IntegerField()
    line = models.IntegerField()

    class Meta:
        abstract = True


class StagedEtablissement(StagedRow):
    aaf_id = models.CharField(max_length=64)
    uai = models.CharField(max_length=16)
    name = models.CharField(max_length=255)
    type_label = models.CharField(max_length=120)
    type_code = models.CharField(max_length=16)
    contrat = models.CharField(max_length=16)
    ministere = models.CharField(max_length=255)
    ministere_code = models.CharField(max_length=16)
    siret = models.CharField(max_length=20)
    street = models.CharField(max_length=255)
    po_box = models.CharField(max_length=120)
    postal_code = models.CharField(max_length=16)
    city = models.CharField(max_length=120)
    phone = models.CharField(max_length=40)
    fax = models.CharField(max_length=40)
    mail = models.CharField(max_length=254)
    bassin = models.CharField(max_length=255)
    academie = models.CharField(max_length=120)
    academie_code = models.CharField(max_length=8)
    extra = models.JSONField(default=dict)


class StagedMatiere(StagedRow):
    code = models.CharField(max_length=16)
    libelle = models.CharField(max_length=255)


class StagedMef(StagedRow):
    code = models.CharField(max_length=16)
    libelle = models.CharField(max_length=255)
    rattach = models.CharField(max_length=16)
    stat11 = models.CharField(max_length=16)


class StagedPerson(StagedRow):
    aaf_id = models.CharField(max_length=64)
    population = models.CharField(max_length=16)
    profile = models.CharField(max_length=16)
    login_base = models.CharField(max_length=80)
    main_etab_aaf = models.CharField(max_length=64)
    civilite = models.CharField(max_length=16)
    last_name = models.CharField(max_length=255)
    first_name = models.CharField(max_length=255)
    birth_name = models.CharField(max_length=255)
    other_first_names = models.CharField(max_length=255)
    birth_date = models.DateField(null=True)
    email = models.CharField(max_length=254)
    phone_home = models.CharField(max_length=40)
    phone_work = models.CharField(max_length=40)
    phone_mobile = models.CharField(max_length=40)
    address = models.CharField(max_length=512)
    postal_code = models.CharField(max_length=16)
    city = models.CharField(max_length=120)
    country = models.CharField(max_length=120)
    ine = models.CharField(max_length=16)
    eleve_struct_id = models.CharField(max_length=64)
    regime = models.CharField(max_length=120)
    boursier = models.BooleanField(null=True)
    transport = models.BooleanField(null=True)
    statut = models.CharField(max_length=64)
    mef_code = models.CharField(max_length=16)
    mef_libelle = models.CharField(max_length=255)
    niveau = models.CharField(max_length=255)
    filiere = models.CharField(max_length=255)
    teaches = models.BooleanField(null=True)
    extra = models.JSONField(default=dict)
    search_name = models.CharField(max_length=600)
    # Same digest as the directory's: only the identity is staged, nothing to merge.
    skipped = models.BooleanField(default=False)


class StagedLink(models.Model):
    """One relation value of a staged person; ``kind`` says which (see aaf/records.py)."""

    person_aaf = models.CharField(max_length=64)
    kind = models.CharField(max_length=16)
    etab_aaf = models.CharField(max_length=64)
    code = models.CharField(max_length=255)
    code2 = models.CharField(max_length=255)
    code3 = models.CharField(max_length=255)
    code4 = models.CharField(max_length=255)
    n1 = models.SmallIntegerField(default=0)
    n2 = models.SmallIntegerField(default=0)
    n3 = models.SmallIntegerField(default=0)
    n4 = models.SmallIntegerField(default=0)
    file_idx = models.IntegerField()
    line = models.IntegerField()
