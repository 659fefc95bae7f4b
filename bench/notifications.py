#!/usr/bin/env python
"""Figures of the notification centre, printed, never asserted.

    python bench/notifications.py [--recipients 100000]
        [--database-url postgres://root@127.0.0.1:5432/ent_bench_notif]

On a fresh database it creates that many people (a tenth with their own quiet hours, a tenth
with an e-mail choice of their own for the kind sent), then measures ``notification_send`` to
all of them, as a mass send of a later service calls it (recipients as a queryset), the bell's
unread count of one of them, and the beat task's claim of a batch of due e-mails.
"""

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _fresh_database(url):
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{name}"'], check=True)
    subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{name}"'], check=True)


def _people(n):
    from annuaire.models import Person
    from ent.notifications.kinds import EmailMode
    from ent.notifications.models import NotificationPreference, NotificationSettings

    Person.objects.bulk_create(
        [Person(login=f"parent.banc{k}", login_base="parent.banc", population="PersRelEleve",
                profile="parent", first_name="Paul", last_name=f"Parent{k:06d}",
                email=f"parent{k}@exemple.invalid") for k in range(n)], batch_size=5000)
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    NotificationSettings.objects.bulk_create(
        [NotificationSettings(person_id=pk, quiet_weekends=False) for pk in ids[::10]],
        batch_size=5000)
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(person_id=pk, kind="banc", email=EmailMode.DIGEST)
         for pk in ids[5::10]], batch_size=5000)
    return ids


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--database-url",
                        default="postgres://root@127.0.0.1:5432/ent_bench_notif")
    args = parser.parse_args()
    _fresh_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("ENT_DEV", "1")  # a bench database is not a deployment
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ent.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from annuaire.models import Person
    from ent.french import french_number
    from ent.notifications import selectors, services
    from ent.notifications.kinds import kind_register
    from ent.notifications.models import Notification

    kind_register(code="banc", label="Banc d'essai")
    ids = _people(args.recipients)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"Notifications : envoi à {french_number(len(ids))} personnes")
    # A weekday evening: most e-mails wait for the morning, as after a late mass send.
    at = timezone.make_aware(dt.datetime(2027, 1, 13, 21))
    started = time.perf_counter()
    with transaction.atomic():
        written = services.notification_send(
            recipients=Person.objects.all(), kind="banc", title="Réunion parents-professeurs",
            body="Les rendez-vous sont ouverts.", url="/", now=at)
    took = time.perf_counter() - started
    print(f"  Envoi (COPY par lots, dans une transaction) : {took:5.2f} s pour "
          f"{french_number(written)} notifications ({french_number(round(written / took))} "
          "par seconde) ; cible < 10 s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notifications_notification")
    viewer = Person.objects.get(pk=ids[len(ids) // 2])
    started = time.perf_counter()
    for _ in range(100):
        count = selectors.unread_count(viewer=viewer)
    print(f"  Cloche (non lues d'une personne, {count}) : "
          f"{(time.perf_counter() - started) * 10:.2f} ms par requête")
    morning = timezone.make_aware(dt.datetime(2027, 1, 14, 7))
    started = time.perf_counter()
    _, rows = services._claim(now=morning, batch_size=500)
    print(f"  Réservation d'un lot de {len(rows)} courriels dus à 7 h : "
          f"{(time.perf_counter() - started) * 1000:.0f} ms "
          f"({french_number(Notification.objects.filter(email_state='en_attente').count())} "
          "en attente)")


if __name__ == "__main__":
    main()
