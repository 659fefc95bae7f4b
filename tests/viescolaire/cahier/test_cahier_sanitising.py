"""A corpus of about a hundred XSS payloads through a séance's title and content, a
homework's description and an attachment's name: no page that shows them holds markup that
could run (no script, no event handler, no javascript: address, no embedding element)."""

import re

import lxml.html
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.viescolaire.conftest import MONDAY
from viescolaire.cahier import services
from viescolaire.cahier.html import rich_text_clean

from .xss_payloads import PAYLOADS

# Elements no page of the cahier has of its own: wherever they appear, an injection put them.
FORBIDDEN = {"iframe", "object", "embed", "svg", "math", "style", "base", "frame",
             "frameset", "applet", "portal", "template", "noscript", "video", "audio",
             "marquee", "keygen", "isindex", "xmp", "noembed", "source", "set", "animate"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "background", "data", "srcset",
                  "xlink:href", "poster"}
BAD_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)


def assert_inert(html):
    """Nothing in the page can run: checked on the parsed document, as a browser reads it."""
    doc = lxml.html.document_fromstring(html)
    main = doc.find(".//main")
    inside = set(main.iter()) if main is not None else set(doc.iter())
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        # The header's own icons (the bell's svg) are the portal's, outside <main>.
        assert element not in inside or tag not in FORBIDDEN, lxml.html.tostring(element)[:200]
        if tag == "script":
            # The portal's own scripts only: static files, no inline code.
            assert element.get("src", "").startswith("/static/") and not (element.text or "")
        if tag == "meta":
            assert element.get("http-equiv") is None
        if tag == "link":
            assert element.get("href", "").startswith("/static/")
        for name, value in element.attrib.items():
            name = name.lower()
            assert not name.startswith("on"), (tag, name, value)
            assert not name.startswith(("hx-", "data-hx", "style")), (tag, name, value)
            if name in URL_ATTRIBUTES:
                cleaned = re.sub(r"[\x00-\x20]", "", value)
                assert not BAD_SCHEME.match(cleaned), (tag, name, value)
    # The marker never appears as live markup text a template could evaluate.
    assert "<script>window.__xss" not in html


def test_the_cleaner_keeps_the_harmless_markup():
    html = rich_text_clean('<p><strong>Gras</strong> <a href="https://exemple.fr">lien</a></p>'
                           '<table><tr><td>1</td></tr></table><ul><li>a</li></ul>')
    assert '<strong>Gras</strong>' in html and 'href="https://exemple.fr"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert "<table>" in html and "<li>a</li>" in html


def test_no_payload_runs_anywhere_it_shows(world, timetable, types, login):
    t = timetable
    for payload in PAYLOADS:
        clean = rich_text_clean(payload)
        assert_inert(f"<html><body>{clean}</body></html>")
    # All at once through the services, then every page that shows them.
    body = "\n".join(PAYLOADS)
    services.contenu_save(seance=t.maths_monday, acting_user=world.teacher_a,
                          title=PAYLOADS[0] + PAYLOADS[4], body=body, publish="maintenant")
    contenu = t.maths_monday.cahier_contenu
    devoirs = []
    for payload in PAYLOADS:
        devoirs.append(services.devoir_save(
            seance=t.maths_monday, acting_user=world.teacher_a, type=types["Exercices"],
            minutes=5, description="consigne " + payload, publish="maintenant",
            due_seance=t.maths_thursday))
    services.pieces_add(owner=world.teacher_a, contenu=contenu, uploads=[
        SimpleUploadedFile(payload[:140] + ".pdf", b"x") for payload in PAYLOADS])
    services.pieces_add(owner=world.teacher_a, devoir=devoirs[0], uploads=[
        SimpleUploadedFile("<img src=x onerror=window.__xss=1>.pdf", b"x")])
    services.visa_give(etab=world.etab_a, enseignant=world.teacher_a, regroupement=world.div_3a,
                       matiere_label="MATHEMATIQUES", up_to=MONDAY, comment=PAYLOADS[4],
                       locks=False, acting_user=world.principal_a)
    pages = [
        (world.teacher_a, reverse("cahier:seance", args=[t.maths_monday.pk]), {}),
        (world.teacher_a, reverse("cahier:devoir_edit", args=[devoirs[4].pk]), {}),
        (world.teacher_a, reverse("cahier:teacher_week"), {"semaine": MONDAY.isoformat()}),
        (world.pupil_a, reverse("cahier:travail"), {"semaine": MONDAY.isoformat()}),
        (world.parent_a, reverse("cahier:contenus"), {"jusquau": "2025-09-30"}),
        (world.principal_a, reverse("cahier:seance", args=[t.maths_monday.pk]), {}),
        (world.principal_a, reverse("cahier:visa_cahier", args=[
            world.etab_a.pk, world.teacher_a.pk, world.div_3a.pk]), {"matiere": "MATHEMATIQUES"}),
    ]
    for person, url, query in pages:
        response = login(person).get(url, query)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "consigne" in html or "fractions" in html or url.endswith("mon-cahier/") \
            or "window.__xss" in html
        assert_inert(html)
