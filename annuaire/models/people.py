from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone


class Population(models.TextChoices):
    ELEVE = "Eleve", "Élève"
    PERS_REL_ELEVE = "PersRelEleve", "Responsable d'élève"
    PERS_EDUC_NAT = "PersEducNat", "Personnel de l'Éducation nationale"
    LOCAL = "local", "Compte local"


class Profile(models.TextChoices):
    ELEVE = "eleve", "Élève"
    PARENT = "parent", "Parent"
    ENSEIGNANT = "enseignant", "Enseignant"
    PERSONNEL = "personnel", "Personnel"


class AccountState(models.TextChoices):
    OPERATIONNEL = "operationnel", "Opérationnel"
    NON_ACTIVE = "non_active", "Non activé"
    DESACTIVE = "desactive", "Désactivé"
    SUSPENDU = "suspendu", "Suspendu"


class PersonManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, login, password=None, **fields):
        from annuaire.aaf.logins import login_base_of

        fields.setdefault("population", Population.LOCAL)
        fields.setdefault("profile", Profile.PERSONNEL)
        person = self.model(login=login, login_base=login_base_of(login), **fields)
        if password:
            person.set_password(password)
            person.activated_at = timezone.now()
        else:
            person.set_unusable_password()
        person.refresh_search_name()
        person.save(using=self._db)
        return person

    def create_superuser(self, login, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(login, password, **fields)

    def state_filter(self, state):
        """The Q object selecting accounts in one of the four account states."""
        if state == AccountState.DESACTIVE:
            return Q(deactivated_at__isnull=False)
        if state == AccountState.SUSPENDU:
            return Q(deactivated_at__isnull=True, suspended_at__isnull=False)
        base = Q(deactivated_at__isnull=True, suspended_at__isnull=True)
        if state == AccountState.NON_ACTIVE:
            return base & Q(activated_at__isnull=True)
        return base & Q(activated_at__isnull=False)


class Person(AbstractBaseUser, PermissionsMixin):
    """A person of the directory and their portal account.

    Fields below ``# feed`` come from the AAF feed and are overwritten by each import; the
    login, the account dates and the password are the portal's own.
    """

    # Unique through Meta.constraints: unique=True would add a LIKE (pattern_ops) index that no
    # query uses and every import maintains.
    login = models.CharField("identifiant", max_length=80)
    login_base = models.CharField(max_length=80, editable=False)
    aaf_id = models.CharField("identifiant AAF", max_length=64, null=True)
    population = models.CharField(max_length=16, choices=Population.choices)
    profile = models.CharField("profil", max_length=16, choices=Profile.choices)
    # feed
    civilite = models.CharField("civilité", max_length=16, blank=True)
    last_name = models.CharField("nom", max_length=255, blank=True)
    first_name = models.CharField("prénom", max_length=255, blank=True)
    birth_name = models.CharField("nom de naissance", max_length=255, blank=True)
    other_first_names = models.CharField("autres prénoms", max_length=255, blank=True)
    birth_date = models.DateField("date de naissance", null=True, blank=True)
    email = models.CharField("courriel", max_length=254, blank=True)
    phone_home = models.CharField("téléphone domicile", max_length=40, blank=True)
    phone_work = models.CharField("téléphone travail", max_length=40, blank=True)
    phone_mobile = models.CharField("téléphone portable", max_length=40, blank=True)
    address = models.CharField("adresse", max_length=512, blank=True)
    postal_code = models.CharField("code postal", max_length=16, blank=True)
    city = models.CharField("commune", max_length=120, blank=True)
    country = models.CharField("pays", max_length=120, blank=True)
    ine = models.CharField("INE", max_length=16, blank=True)
    eleve_struct_id = models.CharField(max_length=64, blank=True)
    regime = models.CharField("régime", max_length=120, blank=True)
    boursier = models.BooleanField(null=True)
    transport = models.BooleanField(null=True)
    statut = models.CharField(max_length=64, blank=True)
    mef_code = models.CharField("MEF", max_length=16, blank=True)
    mef_libelle = models.CharField("libellé MEF", max_length=255, blank=True)
    niveau = models.CharField("niveau de formation", max_length=255, blank=True)
    filiere = models.CharField("filière", max_length=255, blank=True)
    teaches = models.BooleanField("présence devant élèves", null=True)
    # SIECLE completion (annuaire.siecle): what the AAF feed does not carry. The AAF import never
    # writes these columns; the fields above that SIECLE may fill when AAF left them empty
    # (INE, birth date, régime label, MEF, contact details) say so in ``siecle["sources"]``.
    # Database defaults: the AAF import inserts people with raw SQL that does not name them.
    regime_code = models.CharField("code régime", max_length=4, blank=True, db_default="")
    regime_type = models.CharField("type de régime", max_length=20, blank=True, db_default="",
                                   choices=[("externe", "Externe"),
                                            ("demi_pensionnaire", "Demi-pensionnaire"),
                                            ("interne", "Interne")])
    date_sortie = models.DateField("date de sortie", null=True, blank=True)
    motif_sortie = models.CharField("motif de sortie", max_length=255, blank=True, db_default="")
    # A JSON column rather than one column per fact: per-field provenance ({field: source})
    # and the options (subject + modality) are read together on the card and change shape
    # with SIECLE's versions; nothing filters on them.
    siecle = models.JSONField("compléments SIECLE / STS-web", default=dict, blank=True, null=True)
    extra = models.JSONField("autres attributs", default=dict, blank=True)
    # The establishment the feed attaches the person to first (for parents: a child's).
    main_etab_aaf = models.CharField(max_length=64, blank=True)
    # Digest of the feed record as last read; an equal digest means nothing to read again.
    aaf_hash = models.CharField(max_length=32, blank=True)
    # The record named an establishment, relative or subject the directory lacked: read it
    # again at each import, in case what it names has arrived.
    aaf_incomplete = models.BooleanField(default=False)
    # portal
    search_name = models.CharField(max_length=600, blank=True, editable=False)
    activated_at = models.DateTimeField("activé le", null=True, blank=True)
    deactivated_at = models.DateTimeField("désactivé le", null=True, blank=True)
    suspended_at = models.DateTimeField("suspendu le", null=True, blank=True)
    suspended_reason = models.CharField("motif de suspension", max_length=255, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    USERNAME_FIELD = "login"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = PersonManager()

    class Meta:
        verbose_name = "personne"
        constraints = [
            models.UniqueConstraint(fields=["login"], name="person_login_unique"),
            models.UniqueConstraint(fields=["aaf_id"], name="person_aaf_id_unique"),
            # One case, so that a login typed in any case is found by equality on the unique
            # index (ACCOUNT_PRESERVE_USERNAME_CASING = False lowers what is typed).
            models.CheckConstraint(condition=Q(login=Lower("login")), name="person_login_lower"),
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="person_name_idx"),
            models.Index(fields=["population", "deactivated_at"], name="person_pop_state_idx"),
            # With the birth date: the import's duplicate controls look people up by all three.
            models.Index(fields=["population", "search_name", "birth_date"],
                         name="person_pop_search_idx"),
            # Equality only (no LIKE), so without db_index's pattern_ops twin; with the login,
            # the logins competing for a base are read from the index alone.
            models.Index(fields=["login_base", "login"], name="person_login_base_idx"),
            # The directory's order: the académie's administrators read its first page of a
            # million people through this index instead of sorting them all.
            models.Index(fields=["search_name", "id"], name="person_name_order_idx"),
            # On PostgreSQL only, migration 0012 adds person_search_trgm: a pg_trgm index of
            # the folded name without its spaces, which the directory's search reads.
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return " ".join(part for part in (self.last_name.upper(), self.first_name) if part) or (
            self.login
        )

    @property
    def state(self):
        if self.deactivated_at:
            return AccountState.DESACTIVE
        if self.suspended_at:
            return AccountState.SUSPENDU
        if not self.activated_at:
            return AccountState.NON_ACTIVE
        return AccountState.OPERATIONNEL

    def get_state_display(self):
        return AccountState(self.state).label

    def save(self, *args, **kwargs):
        # Logins compete for numeric suffixes by their base: keep it true to the login, and the
        # login in lower case.
        from annuaire.aaf.logins import login_base_of

        self.login = self.login.lower()
        self.login_base = login_base_of(self.login)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "login" in update_fields:
            kwargs["update_fields"] = {*update_fields, "login_base"}
        super().save(*args, **kwargs)

    @property
    def siecle_source(self):
        """The SIECLE or STS-web export this person's completions come from, if any."""
        info = self.siecle or {}
        return info.get("source_eleve") or info.get("source_responsable") or info.get(
            "source_sts") or ""

    # How lists of people are sorted: by the folded name (last name, first name), as a French
    # reader expects — « Baron » before « BLANC », « d'Aubigné » among the D — where the
    # database's byte order (SQLite, PostgreSQL in a C locale) puts capitals, accents and
    # particles apart.
    NAME_ORDER = ("search_name", "id")

    def refresh_search_name(self):
        from annuaire.text import search_key

        self.search_name = search_key(self.last_name, self.first_name, self.birth_name)

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.first_name or self.login
