"""The bell, the list, mark read, the preferences page: a person's own notifications only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ent.notifications import services
from ent.notifications.kinds import KINDS, EmailMode
from ent.notifications.models import Notification, NotificationPreference, NotificationSettings
from ent.notifications.selectors import unread_count
from ent.notifications.views import PAGE_SIZE

from .conftest import paris

pytestmark = pytest.mark.django_db
AT = paris(2027, 1, 13, 10)


def notify(people, title="Titre", url="/annuaire/"):
    services.notification_send(recipients=people, kind="essai", title=title, url=url, now=AT)


def test_bell_in_the_header_says_how_many_are_unread(world, kind, login):
    notify([world.parent_a] * 1)
    notify([world.parent_a], title="Autre")
    notify([world.parent_a], title="Encore")
    html = login(world.parent_a).get(reverse("home")).content.decode()
    assert 'aria-label="Notifications, 3 non lues"' in html
    assert f'href="{reverse("notifications:list")}"' in html


@pytest.mark.parametrize("count, label", [
    (0, "Notifications, aucune non lue"), (1, "Notifications, 1 non lue"),
    (2, "Notifications, 2 non lues"), (100, "Notifications, plus de 99 non lues"),
])
def test_bell_label_plurals(world, kind, client, count, label):
    if count:
        Notification.objects.bulk_create([Notification(
            recipient=world.teacher_a, kind="essai", title="x", created_at=AT)
            for _ in range(count)])
    client.force_login(world.teacher_a)
    html = client.get(reverse("notifications:list")).content.decode()
    assert f'aria-label="{label}"' in html
    assert ('class="bell-count" aria-hidden="true">99+<' in html) == (count == 100)


def test_bell_costs_one_query_on_its_index(world, kind, django_assert_num_queries):
    notify([world.parent_a, world.pupil_a])
    with django_assert_num_queries(1):
        assert unread_count(viewer=world.parent_a) == 1
    if connection.vendor != "postgresql":
        return
    with CaptureQueriesContext(connection) as queries:
        unread_count(viewer=world.parent_a)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + queries[0]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "notif_unread" in plan, plan


def test_the_bell_adds_one_query_to_a_page(world, kind, login, django_assert_num_queries):
    client = login(world.parent_a)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as without_any:
        client.get(reverse("home"))
    notify([world.parent_a])
    with CaptureQueriesContext(connection) as with_one:
        client.get(reverse("home"))
    # (The login blocks' cached check may add a query to either: only the bell's are compared.)
    for queries in (without_any, with_one):
        assert sum("notifications_notification" in q["sql"] for q in queries) == 1


def test_list_is_the_viewer_s_own_paginated_with_bounded_queries(
        world, kind, login, django_assert_max_num_queries):
    notify([world.parent_a], title="Pour Sophie")
    notify([world.parent_b], title="Pour Julie")
    client = login(world.parent_a)
    html = client.get(reverse("notifications:list")).content.decode()
    assert "Pour Sophie" in html and "Pour Julie" not in html
    Notification.objects.bulk_create([Notification(
        recipient=world.parent_a, kind="essai", title=f"N{i}", created_at=AT)
        for i in range(3 * PAGE_SIZE)])
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notifications:list") + "?page=2")
    assert response.context["page"].number == 2
    assert len(response.context["notifications"]) == PAGE_SIZE
    assert "Page 2 sur 4" in response.content.decode()


def test_mark_one_read_and_open_its_page(world, kind, login):
    notify([world.parent_a])
    notification = Notification.objects.get()
    client = login(world.parent_a)
    response = client.post(reverse("notifications:open", args=[notification.pk]),
                           {"ouvrir": "1"})
    assert response.status_code == 302 and response["Location"] == "/annuaire/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'aria-label="Notifications, aucune non lue"' in client.get(
        reverse("notifications:list")).content.decode()


def test_mark_read_without_opening_stays_on_the_list(world, kind, login):
    notify([world.parent_a])
    notification = Notification.objects.get()
    response = login(world.parent_a).post(reverse("notifications:open",
                                                  args=[notification.pk]), {"page": "2"})
    assert response["Location"] == reverse("notifications:list") + "?page=2"
    assert Notification.objects.get().read_at is not None


def test_a_link_outside_the_portal_is_not_followed(world, kind, login):
    notify([world.parent_a], url="https://exemple.invalid/piege")
    notification = Notification.objects.get()
    response = login(world.parent_a).post(
        reverse("notifications:open", args=[notification.pk]), {"ouvrir": "1"})
    assert response["Location"] == reverse("notifications:list")


def test_someone_else_s_notification_answers_404_for_every_role(world, kind, client):
    notify([world.parent_a])
    notification = Notification.objects.get()
    for name, person in world.roles().items():
        if person == world.parent_a:
            continue
        client.force_login(person)
        url = reverse("notifications:open", args=[notification.pk])
        assert client.post(url).status_code == 404, name
    assert Notification.objects.get().read_at is None


def test_get_never_marks_read(world, kind, login):
    notify([world.parent_a])
    notification = Notification.objects.get()
    response = login(world.parent_a).get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 405
    assert Notification.objects.get().read_at is None


def test_mark_all_read_touches_only_the_viewer_s(world, kind, login):
    notify([world.parent_a, world.parent_b])
    notify([world.parent_a])
    response = login(world.parent_a).post(reverse("notifications:read_all"), follow=True)
    assert "2 notifications marquées comme lues." in response.content.decode()
    unread = set(Notification.objects.filter(read_at__isnull=True).values_list(
        "recipient_id", flat=True))
    assert unread == {world.parent_b.pk}


@pytest.mark.parametrize("name", ["list", "read_all", "preferences"])
def test_anonymous_is_sent_to_login(client, db, name):
    response = client.post(reverse(f"notifications:{name}"))
    assert response.status_code == 302 and "/compte/" in response["Location"]


def test_posts_without_csrf_token_are_refused(world, kind):
    from django.test import Client

    notify([world.parent_a])
    notification = Notification.objects.get()
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.parent_a)
    for url in (reverse("notifications:open", args=[notification.pk]),
                reverse("notifications:read_all"), reverse("notifications:preferences")):
        assert client.post(url).status_code == 403, url
    assert Notification.objects.get().read_at is None


def test_preferences_page_sets_email_choice_and_quiet_hours(world, kind, login):
    client = login(world.principal_a)
    html = client.get(reverse("notifications:preferences")).content.decode()
    assert "Fin d&#x27;un import de l&#x27;annuaire" in html and "Pause numérique" in html
    response = client.post(reverse("notifications:preferences"), {
        "kind_essai": EmailMode.DIGEST, "kind_import_annuaire": EmailMode.NEVER,
        "kind_fiches_connexion": EmailMode.IMMEDIATE, "kind_import_edt": EmailMode.IMMEDIATE,
        "kind_portail": EmailMode.DIGEST,
        "quiet_hours": "on", "quiet_start": "20:30", "quiet_end": "06:45",
    }, follow=True)
    assert "Vos préférences de notification sont enregistrées." in response.content.decode()
    assert dict(NotificationPreference.objects.filter(person=world.principal_a).values_list(
        "kind", "email")) == {"essai": EmailMode.DIGEST, "import_annuaire": EmailMode.NEVER}
    row = NotificationSettings.objects.get(person=world.principal_a)
    assert (row.quiet_hours, str(row.quiet_start), str(row.quiet_end), row.quiet_weekends) == (
        True, "20:30:00", "06:45:00", False)


def test_preferences_refuse_an_empty_pause_with_a_french_message(world, kind, login):
    response = login(world.parent_a).post(reverse("notifications:preferences"), {
        "kind_essai": EmailMode.IMMEDIATE, "quiet_hours": "on", "quiet_start": "19:00",
        "quiet_end": "19:00"})
    assert response.status_code == 200
    assert "La fin de la pause doit différer de son début." in response.content.decode()
    assert not NotificationSettings.objects.exists()


def test_a_parent_is_not_offered_the_imports_kinds(world, kind, login):
    html = login(world.parent_a).get(reverse("notifications:preferences")).content.decode()
    assert "Essai" in html and "import de l&#x27;annuaire" not in html
    assert "Aucune adresse électronique" in html


def test_changed_quiet_hours_move_waiting_emails(world, kind, login):
    services.notification_send(recipients=[world.parent_a], kind="essai", title="Soir",
                               now=paris(2027, 1, 13, 21))
    assert Notification.objects.get().email_due_at == paris(2027, 1, 14, 7)
    # Every kind offered to a parent keeps its default; the test's own changes.
    defaults = {f"kind_{k.code}": k.default_email for k in KINDS.values()
                if k.offered_to(world.parent_a)}
    login(world.parent_a).post(reverse("notifications:preferences"), {
        **defaults, "kind_essai": EmailMode.IMMEDIATE, "kind_portail": EmailMode.DIGEST,
        "kind_cahier_devoir": EmailMode.DIGEST,
        "quiet_start": "19:00", "quiet_end": "07:00"})
    # Pause turned off: the waiting e-mail may leave now.
    assert Notification.objects.get().email_due_at < paris(2027, 1, 14, 7)


