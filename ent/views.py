from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from annuaire.selectors import home_summary
from viescolaire.selectors import today_timetables

from .services_catalog import services_for


@login_required
def home(request):
    return render(request, "home.html", {
        "services": [(service, service.describe(request.user))
                     for service in services_for(request.user)],
        "roles_by_etab": home_summary(viewer=request.user),
        "today": timezone.localdate(),
        "timetables_today": today_timetables(viewer=request.user, day=timezone.localdate()),
    })


@never_cache
@require_GET
def health(request):
    """For load balancers and docker healthchecks: 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def csrf_failure(request, reason=""):
    """A form sent after its session or token expired (a phone's tab left open): say so in French."""
    return HttpResponseForbidden(loader.render_to_string("403_csrf.html", request=request))


def server_error(request):
    """Rendered without the request: its context processors may be what failed."""
    return HttpResponseServerError(
        loader.render_to_string("500.html", {"site_name": settings.ENT_SITE_NAME}))
