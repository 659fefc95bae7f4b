"""The per-request cost of the login-block check (ent.middleware.LoginBlockMiddleware).

    DATABASE_URL=... python bench/login_blocks.py --blocks 500 --calls 20000

Needs a migrated database with at least one pupil (``make demo`` makes one). Creates
``--blocks`` running blocks spread over the establishments (none of them reaching the pupil
measured, the worst case: every unit is compared), inside a transaction rolled back at the
end, and prints the mean time of ``login_refusal`` with the cache warm, with no block running
and then with them running, and the queries a cold check makes.
"""

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ent.settings")
os.environ.setdefault("ENT_DEV", "1")  # a bench database is not a deployment


def mean_us(function, calls):
    started = time.perf_counter()
    for _ in range(calls):
        function()
    return (time.perf_counter() - started) / calls * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=500)
    parser.add_argument("--calls", type=int, default=20000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from annuaire import blocking
    from annuaire.models import Etablissement, LoginBlock, Role

    role = Role.objects.filter(role=Role.Kind.ELEVE).select_related("person").first()
    if role is None:
        sys.exit("Aucun élève dans cette base : lancez d'abord make demo.")
    pupil = role.person
    others = list(Etablissement.objects.exclude(pk=role.etablissement_id).values_list("pk", flat=True))
    etabs = others or [role.etablissement_id]
    with transaction.atomic():
        blocking.blocks_version_bump()
        blocking.blocks_pending()
        idle = mean_us(lambda: blocking.login_refusal(person=pupil), args.calls)
        now = timezone.now()
        LoginBlock.objects.bulk_create([
            LoginBlock(etablissement_id=etabs[i % len(etabs)], target=LoginBlock.Target.PROFILE,
                       profile=LoginBlock.BlockedProfile.PARENTS if not others else
                       LoginBlock.BlockedProfile.ELEVES,
                       starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1),
                       message="bench")
            for i in range(args.blocks)])
        blocking.blocks_version_bump()
        cache.delete(f"loginblocks:units:{pupil.pk}")
        with CaptureQueriesContext(connection) as cold:
            assert blocking.login_refusal(person=pupil) is None
        running = mean_us(lambda: blocking.login_refusal(person=pupil), args.calls)
        transaction.set_rollback(True)
    blocking.blocks_version_bump()
    print(f"Cache : {cache.__class__.__name__}")
    print(f"Aucun blocage en cours : {idle:8.1f} µs par requête, 0 requête SQL")
    print(f"{args.blocks} blocages en cours : {running:8.1f} µs par requête (cache chaud), "
          f"{len(cold.captured_queries)} requête(s) SQL à froid")


if __name__ == "__main__":
    main()
