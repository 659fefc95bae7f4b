"""Distribution letters rendered to PDF with WeasyPrint: A4, one, two or eight per page."""

import io

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from .codes import code_display

LAYOUTS = {1: "Une fiche par page", 2: "Deux fiches par page", 8: "Huit fiches par page"}
# Letters rendered per WeasyPrint document: progress moves between chunks, and memory stays
# bounded for a whole collège.
CHUNK = 100


def activation_url():
    """The address a letter sends its reader to: the portal's public address, then the
    activation page (the root alone left them to find « Activer mon compte »)."""
    return settings.ENT_PUBLIC_URL.rstrip("/") + reverse("activation_start")


def qr_svg(url):
    """A QR code of ``url`` as inline SVG, sized by the letter's CSS: vector, so it prints
    sharp at any layout, and WeasyPrint draws it without an image file."""
    return mark_safe(segno.make(url, error="m").svg_inline(  # segno writes only its own markup
        omitsize=True, svgclass="qr", lineclass=None, title="Code QR de l'adresse d'activation"))


def _context(letters, per_page, etab, url):
    return {
        "letters": [{
            "person": letter.person, "etab_name": letter.etab_name,
            "profile": letter.profile_label, "division": letter.division,
            "children": letter.children, "code": code_display(letter.code),
            "expires_at": timezone.localtime(letter.expires_at),
        } for letter in letters],
        "per_page": per_page, "portal_url": settings.ENT_PUBLIC_URL.rstrip('/'),
        "activation_url": url, "qr_svg": qr_svg(url), "etab": etab,
    }


def letters_pdf(*, letters, per_page, etab, progress=None):
    """The PDF bytes of ``letters`` (codes already set), ``progress(done, total)`` per chunk.

    Each chunk is laid out and written on its own, then the chunks' pages are joined: memory
    holds one chunk's layout, not a whole collège's.
    """
    from pypdf import PdfWriter
    from weasyprint import HTML

    if per_page not in LAYOUTS:
        raise ValueError(per_page)
    total = len(letters)
    step = CHUNK - CHUNK % per_page
    writer = PdfWriter()
    url = activation_url()
    for start in range(0, max(total, 1), step):
        chunk = letters[start:start + step]
        html = render_to_string("annuaire/letters/letters_pdf.html",
                                _context(chunk, per_page, etab, url))
        pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
        writer.append(io.BytesIO(pdf))
        if progress:
            progress(min(start + step, total), total)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
