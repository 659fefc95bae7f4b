from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from annuaire.selectors import home_summary
from viescolaire.selectors import today_timetables

from .services_catalog import services_for


@login_required
def home(request):
    return render(request, "home.html", {
        "services": services_for(request.user),
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
