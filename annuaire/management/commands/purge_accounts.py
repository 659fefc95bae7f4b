from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from annuaire import services
from annuaire.presenters import purge_run_rows
from ent.french import count_label, plural_form


class Command(BaseCommand):
    help = (f"Purge les comptes désactivés depuis plus de ENT_PURGE_DELAY_DAYS jours "
            f"({settings.ENT_PURGE_DELAY_DAYS}) : données personnelles supprimées, "
            "une ligne d'audit conservée.")

    def handle(self, *args, **options):
        run = services.accounts_purge(origin="cli", acting_user=None)
        detail = ", ".join(f"{label} : {n}" for label, n in purge_run_rows([run])[0]["counts"])
        ran_at, cutoff = timezone.localtime(run.ran_at), timezone.localtime(run.cutoff)
        self.stdout.write(
            f"Purge du {ran_at:%d/%m/%Y %H:%M} : "
            f"{count_label(run.total, 'compte désactivé', 'comptes désactivés')} avant le "
            f"{cutoff:%d/%m/%Y} {plural_form(run.total, 'supprimé')} ({detail or 'aucun'})."
        )
