"""A cahier as a PDF (WeasyPrint): what the principal visas, and later the yearly archive."""

from django.template.loader import render_to_string


def _no_fetch():
    """Teachers' HTML may name images anywhere: the PDF fetches nothing (no request to a
    server a teacher chose, no file of ours read through a file: address)."""
    from weasyprint.urls import URLFetcher

    class NoFetch(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"not fetched: {url[:80]}")

    return NoFetch()


def cahier_pdf(*, etab, enseignant, regroupement, matiere, seances, visas) -> bytes:
    from weasyprint import HTML

    html = render_to_string("viescolaire/cahier/cahier_pdf.html", {
        "etab": etab, "enseignant": enseignant, "regroupement": regroupement,
        "matiere": matiere, "seances": seances, "visas": visas})
    return HTML(string=html, url_fetcher=_no_fetch()).write_pdf()
