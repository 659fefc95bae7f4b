import factory
from django.utils import timezone

from annuaire.models import (
    Enseignement,
    Etablissement,
    Inscription,
    Matiere,
    Parente,
    Person,
    Population,
    Profile,
    ProfPrincipal,
    Regroupement,
    Role,
)
from annuaire.text import search_key

PASSWORD = "motdepasse-de-test-42"


class EtablissementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Etablissement

    aaf_id = factory.Sequence(lambda n: f"9{n:05d}")
    uai = factory.Sequence(lambda n: f"0{n:06d}X")
    name = factory.Sequence(lambda n: f"COLLEGE NUMERO {n}")
    type_label = "COLLEGE"


class MatiereFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Matiere
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{n:06d}")
    libelle = factory.Sequence(lambda n: f"MATIERE {n}")


class RegroupementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Regroupement

    etablissement = factory.SubFactory(EtablissementFactory)
    nature = Regroupement.Nature.DIVISION
    code = factory.Sequence(lambda n: f"{3 + n % 3}{chr(65 + n % 26)}{n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    login = factory.Sequence(lambda n: f"personne.test{n}")
    login_base = factory.LazyAttribute(lambda o: o.login.rstrip("0123456789"))
    aaf_id = factory.Sequence(lambda n: f"8{n:06d}")
    population = Population.PERS_EDUC_NAT
    profile = Profile.PERSONNEL
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    first_name = "Camille"
    activated_at = factory.LazyFunction(timezone.now)
    search_name = factory.LazyAttribute(lambda o: search_key(o.last_name, o.first_name))

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    person = factory.SubFactory(PersonFactory)
    etablissement = factory.SubFactory(EtablissementFactory)
    role = Role.Kind.ENSEIGNANT


class InscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inscription

    eleve = factory.SubFactory(PersonFactory, population=Population.ELEVE, profile=Profile.ELEVE)
    regroupement = factory.SubFactory(RegroupementFactory)


class EnseignementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enseignement

    enseignant = factory.SubFactory(PersonFactory, profile=Profile.ENSEIGNANT)
    regroupement = factory.SubFactory(RegroupementFactory)
    matiere = None


class ProfPrincipalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfPrincipal

    enseignant = factory.SubFactory(PersonFactory, profile=Profile.ENSEIGNANT)
    regroupement = factory.SubFactory(RegroupementFactory)


class ParenteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Parente

    eleve = factory.SubFactory(PersonFactory, population=Population.ELEVE, profile=Profile.ELEVE)
    responsable = factory.SubFactory(
        PersonFactory, population=Population.PERS_REL_ELEVE, profile=Profile.PARENT)
    lien_code = "2"
    legal = 1
    financier = True
    representant_legal = True


def two_people_parent(*, etab, child, **fields):
    """A relative's record that holds two people (« Guy Et Yvette », « M. MME MANENTE »), as a
    secretariat typed it: the import's and the letters' controls flag it."""
    person = PersonFactory(population="PersRelEleve", profile="parent",
                           first_name="Guy Et Yvette", last_name="M. MME MANENTE", **fields)
    RoleFactory(person=person, etablissement=etab, role="parent")
    ParenteFactory(eleve=child, responsable=person)
    return person
