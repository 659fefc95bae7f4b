from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from annuaire import services


class Command(BaseCommand):
    help = (f"Purge les comptes désactivés depuis plus de ENT_PURGE_DELAY_DAYS jours "
            f"({settings.ENT_PURGE_DELAY_DAYS}) : données personnelles supprimées, "
            "une ligne d'audit conservée.")

    def handle(self, *args, **options):
        run = services.accounts_purge(origin="cli")
        detail = ", ".join(f"{pop} : {n}" for pop, n in sorted(run.counts.items())) or "aucun"
        ran_at, cutoff = timezone.localtime(run.ran_at), timezone.localtime(run.cutoff)
        self.stdout.write(
            f"Purge du {ran_at:%d/%m/%Y %H:%M} : {run.total} compte(s) désactivé(s) avant le "
            f"{cutoff:%d/%m/%Y} supprimé(s) ({detail})."
        )
