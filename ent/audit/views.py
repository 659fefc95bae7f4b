from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ent import rights
from ent.errors import NotFound

from . import selectors
from .forms import JournalFilterForm

PAGE_SIZE = 50


@login_required
def journal(request):
    viewer = request.user
    if not rights.can_read_audit(viewer):
        raise NotFound
    etabs = list(selectors.audit_etabs(viewer=viewer))
    form = JournalFilterForm(request.GET or None, etabs=etabs)
    filters = form.filters()
    page = selectors.journal_page(viewer=viewer, filters=filters,
                                  cursor=request.GET.get("apres", ""), size=PAGE_SIZE)
    kept = {name: value for name, value in request.GET.items()
            if name != "apres" and name in form.fields and value}
    return render(request, "audit/journal.html", {
        "form": form, "page": page, "show_etab": len(etabs) != 1,
        "first_url": "?" + urlencode(kept) if kept else "?",
        "next_url": "?" + urlencode({**kept, "apres": page.next_cursor})
        if page.next_cursor else "",
        "is_later_page": bool(request.GET.get("apres")),
        "retention_days": settings.ENT_AUDIT_RETENTION_DAYS,
        "crumbs": [("Journal des actions", None)],
    })
