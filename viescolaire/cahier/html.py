"""The cahier's rich text: the small HTML teachers may write, cleaned with nh3 on the way in
(and again on the way out, should a row ever be written around the services)."""

import re
import unicodedata

import nh3

TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "ul", "ol", "li", "a", "img",
    "table", "thead", "tbody", "tr", "th", "td", "h3", "h4", "blockquote", "code", "pre",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
_BLOCKS = re.compile(r"<(p|br|ul|ol|table|h3|h4|blockquote|pre)\b", re.IGNORECASE)


def rich_text_clean(value: str) -> str:
    """The HTML kept of what a teacher typed. Text with no block markup keeps its line breaks
    (a textarea without the toolbar): paragraphs and <br>, added after cleaning."""
    cleaned = nh3.clean(value or "", tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                        link_rel="noopener noreferrer nofollow", strip_comments=True).strip()
    if cleaned and not _BLOCKS.search(cleaned):
        paragraphs = re.split(r"\r?\n\s*\r?\n", cleaned)
        cleaned = "".join(
            "<p>" + "<br>".join(p.strip().splitlines()) + "</p>" for p in paragraphs if p.strip())
        # Inline markup split across paragraphs is mended by a second pass.
        cleaned = rich_text_render(cleaned)
    return cleaned


def rich_text_render(value: str) -> str:
    """What a page shows: cleaned again, so that nothing stored can run."""
    return nh3.clean(value or "", tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer nofollow", strip_comments=True)


def plain_text_clean(value: str, *, max_length: int) -> str:
    """A title or a file name: text only (the templates escape it), no control characters."""
    text = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in value or "")
    return " ".join(text.split())[:max_length]


def file_name_clean(value: str) -> str:
    """The name a file is shown and downloaded under: no folders, no control characters."""
    name = re.split(r"[\\/]", value or "")[-1]
    name = plain_text_clean(name, max_length=150).strip(". ")
    return name or "fichier"
