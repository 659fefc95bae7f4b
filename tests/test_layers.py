"""The layers keep to their rule: views read through selectors (no ORM query of their own),
and only the middleware turns ``ent.errors.NotFound`` into a 404 (no ``Http404`` in services,
selectors or rights)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".venv", "tests", "bench", "static", "templates", "media", "var", "node_modules"}

# path (relative to the repository) -> why it cannot follow the rule. Keep it empty if you can.
VIEW_ALLOWLIST: dict[str, str] = {}

VIEW_FORBIDDEN = re.compile(r"\.objects\.|get_object_or_404")
SERVICE_FORBIDDEN = re.compile(r"\bHttp404\b|get_object_or_404")


def _app_modules():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in SKIPPED or rel.parts[0].startswith(".") or "migrations" in rel.parts:
            continue
        yield rel


def _is_view(rel):
    return rel.name == "views.py" or "views" in rel.parts[:-1]


def _offending_lines(rel, pattern, root=ROOT):
    found = []
    for number, line in enumerate((root / rel).read_text().splitlines(), start=1):
        code = line.split("#", 1)[0]
        if pattern.search(code) and not code.strip().startswith(('"', "'")):
            found.append(f"{rel}:{number}: {line.strip()}")
    return found


def test_the_scan_finds_the_modules():
    views = [rel for rel in _app_modules() if _is_view(rel)]
    assert Path("annuaire/views/letters.py") in views and Path("imports/views.py") in views
    assert Path("imports/selectors.py") not in views


def test_views_make_no_orm_query_of_their_own():
    offending = [line for rel in _app_modules() if _is_view(rel)
                 and str(rel) not in VIEW_ALLOWLIST for line in _offending_lines(
                     rel, VIEW_FORBIDDEN)]
    assert not offending, (
        "Views fetch through selectors (<thing>_get(*, viewer, ...) raising NotFound):\n"
        + "\n".join(offending))


def test_only_the_middleware_answers_404():
    offending = [line for rel in _app_modules() if not _is_view(rel)
                 and rel != Path("ent/middleware.py")
                 for line in _offending_lines(rel, SERVICE_FORBIDDEN)]
    assert not offending, (
        "Services, selectors and rights raise ent.errors.NotFound, never Http404:\n"
        + "\n".join(offending))


@pytest.mark.parametrize(("source", "caught"), [
    ("    link = Rapprochement.objects.filter(pk=pk).first()\n", True),
    ("    etab = get_object_or_404(Etablissement, pk=pk)\n", True),
    ("    # never Rapprochement.objects here\n", False),
])
def test_the_view_rule_catches_a_query(tmp_path, source, caught):
    (tmp_path / "views.py").write_text(source)
    assert bool(_offending_lines(Path("views.py"), VIEW_FORBIDDEN, root=tmp_path)) is caught
