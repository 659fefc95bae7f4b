from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ent import rights
from ent.errors import NotFound
from ent.french import count_label

from .. import selectors, services
from ..presenters import purge_run_rows


@login_required
def purges(request):
    overview = selectors.purge_overview(viewer=request.user)
    return render(request, "annuaire/purges.html", {
        "runs": purge_run_rows(selectors.purge_runs_recent(viewer=request.user)),
        "overview": overview,
        "delay": overview.delay,
        "crumbs": [("Comptes désactivés et purges", None)],
    })


@require_POST
@login_required
def purge_now(request):
    if not rights.can_purge_accounts(request.user):
        raise NotFound
    overview = selectors.purge_overview(viewer=request.user)
    if not overview.due:
        # A stale page or a second click: nothing is due, so no purge and no empty audit row.
        messages.info(request, "Aucun compte à purger : aucun compte n'est désactivé depuis plus "
                               f"de {count_label(overview.delay, 'jour')}.")
        return redirect("annuaire:purges")
    run = services.accounts_purge(origin="manuel", acting_user=request.user)
    messages.success(request, "Purge effectuée : "
                     f"{count_label(run.total, 'compte supprimé', 'comptes supprimés')}.")
    return redirect("annuaire:purges")
