import getpass

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from annuaire.models import Etablissement, Person, Role
from annuaire.services import role_grant


class Command(BaseCommand):
    help = ("Attribue un rôle (administrateur académique, administrateur d'établissement…) à un "
            "compte ; --create crée d'abord un compte local.")

    def add_arguments(self, parser):
        parser.add_argument("login")
        parser.add_argument("role", choices=Role.Kind.values)
        parser.add_argument("--etab", help="UAI de l'établissement (sauf administrateur académique)")
        parser.add_argument("--create", action="store_true", help="créer un compte local")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--password", help="mot de passe (demandé si absent avec --create)")

    @transaction.atomic
    def handle(self, *args, login, role, etab, create, first_name, last_name, password, **options):
        person = Person.objects.filter(login=login).first()
        if person is None:
            if not create:
                raise CommandError(f"aucun compte « {login} » (utilisez --create pour le créer)")
            if not password:
                password = getpass.getpass("Mot de passe : ")
            person = Person.objects.create_user(
                login, password, first_name=first_name, last_name=last_name or login)
        etablissement = None
        if role != Role.Kind.ADMIN_ACADEMIQUE:
            if not etab:
                raise CommandError("--etab UAI est nécessaire pour ce rôle")
            etablissement = Etablissement.objects.filter(uai=etab.upper()).first()
            if etablissement is None:
                raise CommandError(f"aucun établissement d'UAI {etab}")
        # The command line is nobody in the portal: the journal says « Système ».
        role_grant(person=person, role=role, etab=etablissement, acting_user=None)
        where = etablissement.name if etablissement else "toute l'académie"
        self.stdout.write(f"{person.login} : {Role.Kind(role).label} ({where})")
