"""« Blocages de connexion »: an establishment's login blocks, listed, added, edited, lifted."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ent import rights
from ent.errors import NotFound

from .. import blocking
from ..forms import LoginBlockForm
from ..models import LoginBlock

PAGE_SIZE = 25


@login_required
def blocks_home(request):
    """Pick an establishment; the académie also sees every block not yet over."""
    viewer = request.user
    if not rights.can_block_logins(viewer):
        raise NotFound
    if request.GET.get("etab"):
        etab = blocking.block_etab_get(viewer=viewer, etab_id=request.GET["etab"])
        return redirect("annuaire:blocks_etab", etab_id=etab.pk)
    etabs = list(blocking.block_etabs(viewer=viewer))
    if len(etabs) == 1:
        return redirect("annuaire:blocks_etab", etab_id=etabs[0].pk)
    pending = blocking.blocks_pending_list(viewer=viewer)
    page = Paginator(pending, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "annuaire/blocking/home.html", {
        "etabs": etabs, "page": page, "now": timezone.now(), "querystring_base": "",
        "crumbs": [("Blocages de connexion", None)],
    })


def _form(viewer, etab, data=None, initial=None):
    return LoginBlockForm(data, initial=initial, divisions=blocking.block_divisions(etab=etab),
                          whole_etab=rights.can_block_whole_etab(viewer))


def _save(request, form, etab, block=None):
    """Create or update from a valid form; returns the block or None (errors on the form)."""
    data = form.cleaned_data
    regroupement = None
    if data.get("regroupement"):
        regroupement = blocking.block_division_get(etab=etab, division_id=data["regroupement"])
    fields = {"target": data["target"], "profile": data.get("profile") or "",
              "regroupement": regroupement, "starts_at": data["starts_at"],
              "ends_at": data["ends_at"], "message": data["message"],
              "announce": data.get("announce", False)}
    try:
        if block is None:
            return blocking.login_block_create(acting_user=request.user, etab=etab, **fields)
        return blocking.login_block_update(acting_user=request.user, block=block, **fields)
    except blocking.BlockError as exc:
        form.add_error(None, str(exc))
        return None


@login_required
def blocks_etab(request, etab_id):
    viewer = request.user
    etab = blocking.block_etab_get(viewer=viewer, etab_id=etab_id)
    if request.method == "POST":
        form = _form(viewer, etab, request.POST)
        if form.is_valid() and _save(request, form, etab):
            messages.success(request, "Blocage enregistré : il s'applique dès son début, "
                                      "aux sessions déjà ouvertes aussi.")
            return redirect("annuaire:blocks_etab", etab_id=etab.pk)
    else:
        now = timezone.localtime().replace(second=0, microsecond=0)
        form = _form(viewer, etab, initial={"target": LoginBlock.Target.PROFILE, "starts_at": now,
                                            "announce": True})
    current = list(blocking.blocks_list(viewer=viewer, etab=etab))
    past = list(blocking.blocks_list(viewer=viewer, etab=etab, current=False)[:20])
    crumbs = [(etab.name, None)]
    if len(blocking.block_etabs(viewer=viewer)[:2]) > 1:
        crumbs.insert(0, ("Blocages de connexion", reverse("annuaire:blocks")))
    else:
        crumbs = [(f"Blocages de connexion — {etab.name}", None)]
    return render(request, "annuaire/blocking/etab.html", {
        "etab": etab, "current": current, "past": past, "form": form, "now": timezone.now(),
        "can_whole_etab": rights.can_block_whole_etab(viewer), "crumbs": crumbs,
    }, status=400 if request.method == "POST" else 200)


@login_required
def block_edit(request, pk):
    viewer = request.user
    block = blocking.block_get(viewer=viewer, pk=pk)
    etab = block.etablissement
    if request.method == "POST":
        form = _form(viewer, etab, request.POST)
        if form.is_valid() and _save(request, form, etab, block):
            messages.success(request, "Blocage modifié.")
            return redirect("annuaire:blocks_etab", etab_id=etab.pk)
    else:
        form = _form(viewer, etab, initial={
            "target": block.target, "profile": block.profile,
            "regroupement": block.regroupement_id,
            "starts_at": timezone.localtime(block.starts_at),
            "ends_at": timezone.localtime(block.ends_at), "message": block.message,
            "announce": block.announce})
    return render(request, "annuaire/blocking/edit.html", {
        "login_block": block, "etab": etab, "form": form,
        "crumbs": [("Blocages de connexion", reverse("annuaire:blocks_etab", args=[etab.pk])),
                   ("Modifier un blocage", None)],
    }, status=400 if request.method == "POST" else 200)


@require_POST
@login_required
def block_delete(request, pk):
    block = blocking.block_get(viewer=request.user, pk=pk)
    etab_id = block.etablissement_id
    try:
        blocking.login_block_delete(acting_user=request.user, block=block)
    except blocking.BlockError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Blocage levé : les personnes concernées peuvent de nouveau "
                                  "se connecter.")
    return redirect("annuaire:blocks_etab", etab_id=etab_id)
