from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from ent import rights

from .. import selectors
from ..forms import DirectoryFilterForm

PAGE_SIZE = 25


@login_required
def directory(request):
    viewer = request.user
    if not rights.can_browse_directory(viewer):
        raise Http404
    etabs = list(selectors.directory_etabs(viewer=viewer))
    requested = request.GET.get("etab")
    etab = options = None
    if requested:
        etab = selectors.directory_etab_get(viewer=viewer, etab_id=requested)
    elif etabs:
        etab = etabs[0]
    if etab is not None:
        options = selectors.directory_filter_options(etab=etab)
    show_states = etab is not None and rights.can_see_account_details(viewer, {etab.pk})
    form = DirectoryFilterForm(request.GET or None, options=options, show_states=show_states)
    people = selectors.directory_search(viewer=viewer, etab=etab, filters=form.filters())
    people = selectors.directory_page_prefetch(people, etab=etab)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(request, "annuaire/directory.html", {
        "etabs": etabs, "etab": etab, "form": form, "page": page,
        "querystring_base": urlencode(kept) + "&" if kept else "",
        "show_account": show_states,
        "advanced_open": any(request.GET.get(k) for k in ("division", "groupe", "matiere", "state")),
        "crumbs": [("Annuaire", None)],
    })


@login_required
def person_detail(request, pk):
    card = selectors.person_card(viewer=request.user, person_id=pk)
    return render(request, "annuaire/person_detail.html", {
        "card": card, "person": card.person,
        "crumbs": [("Annuaire", reverse("annuaire:directory")), (card.person.display_name, None)],
    })
