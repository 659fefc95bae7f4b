"""The Celery import direction is one way: tasks import services, services queue tasks.

A service queues its task on commit through ``ent.lib.tasks.enqueue_on_commit``, importing the
task inside the function that queues it; a task reloads its rows by id and calls a service.
Read from the source with ``ast``, so a new app is checked without touching this test.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("ent", "annuaire", "imports", "viescolaire")
HELPER = ROOT / "ent" / "lib" / "tasks.py"


def _modules() -> Iterator[tuple[Path, ast.Module]]:
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _imported(node: ast.Import | ast.ImportFrom, path: Path) -> list[str]:
    """The modules an import statement names, made absolute (``from .tasks import x`` →
    ``annuaire.tasks``; ``from . import tasks`` → ``annuaire.tasks``)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    if node.level:
        package = package[:len(package) - node.level + 1]
        base = ".".join(package + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


def _is_tasks(module: str) -> bool:
    return module.rsplit(".", 1)[-1] == "tasks" and module != "ent.lib.tasks"


def _is_task_module(path: Path) -> bool:
    return path.name == "tasks.py" and path != HELPER


def test_no_module_imports_a_tasks_module_at_module_level():
    wrong = []
    for path, tree in _modules():
        if _is_task_module(path):
            continue
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                wrong += [f"{path.relative_to(ROOT)}:{node.lineno} importe {name}"
                          for name in _imported(node, path) if _is_tasks(name)]
    assert not wrong, ("un module importe des tâches Celery au chargement ; importez la tâche "
                       "dans la fonction du service qui la lance :\n  " + "\n  ".join(wrong))


def test_tasks_are_queued_only_through_the_on_commit_helper():
    wrong = []
    for path, tree in _modules():
        if path == HELPER:
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("delay", "apply_async", "send_task")):
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.func.attr}()")
    assert not wrong, ("une tâche lancée hors de ent.lib.tasks.enqueue_on_commit (appelé par un "
                       "service) :\n  " + "\n  ".join(wrong))


def _task_functions(tree: ast.Module) -> Iterator[ast.FunctionDef]:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and any(
                "task" in ast.unparse(d) for d in node.decorator_list):
            yield node


def test_tasks_hold_no_business_logic():
    """A task reloads by id and calls a service: no loop, no transaction, no query of its own."""
    wrong = []
    for path, tree in _modules():
        if not _is_task_module(path):
            continue
        for task in _task_functions(tree):
            for node in ast.walk(task):
                logic = isinstance(node, ast.For | ast.While | ast.With | ast.Try) or (
                    isinstance(node, ast.Attribute) and node.attr == "objects")
                if logic:
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} ({task.name})")
    assert not wrong, ("de la logique dans une tâche Celery ; mettez-la dans un service :\n  "
                       + "\n  ".join(wrong))


def test_the_direction_checks_see_what_they_look_for(tmp_path):
    """The checks read real imports: a relative ``from .tasks import`` is one."""
    path = ROOT / "annuaire" / "services.py"
    node = ast.parse("from .tasks import aaf_import_task").body[0]
    assert any(_is_tasks(name) for name in _imported(node, path))
    node = ast.parse("from . import tasks").body[0]
    assert any(_is_tasks(name) for name in _imported(node, path))
    node = ast.parse("from ent.lib.tasks import enqueue_on_commit").body[0]
    assert not any(_is_tasks(name) for name in _imported(node, path))
    assert sum(1 for _ in _task_functions(ast.parse(
        (ROOT / "annuaire" / "tasks.py").read_text(encoding="utf-8")))) >= 3
