from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ent import rights

from .. import services
from ..models import Person, PurgeRun


@login_required
def purges(request):
    if not rights.can_purge_accounts(request.user):
        raise Http404
    deactivated = Person.objects.filter(deactivated_at__isnull=False)
    return render(request, "annuaire/purges.html", {
        "runs": PurgeRun.objects.select_related("triggered_by")[:50],
        "deactivated_count": deactivated.count(),
        "delay": settings.ENT_PURGE_DELAY_DAYS,
        "crumbs": [("Comptes désactivés et purges", None)],
    })


@require_POST
@login_required
def purge_now(request):
    if not rights.can_purge_accounts(request.user):
        raise Http404
    run = services.accounts_purge(origin="manuel", user=request.user)
    messages.success(request, f"Purge effectuée : {run.total} compte(s) supprimé(s).")
    return redirect("annuaire:purges")
