"""The rights package: one module per area, every public name still reached as
``rights.<name>``, every function typed."""

import importlib
import inspect
import pkgutil

import pytest

from ent import rights

MODULES = [importlib.import_module(f"ent.rights.{info.name}")
           for info in pkgutil.iter_modules(rights.__path__)]


def _functions(module):
    return [(name, func) for name, func in inspect.getmembers(module, inspect.isfunction)
            if func.__module__ == module.__name__]


def test_one_module_per_area():
    names = {module.__name__.rsplit(".", 1)[1] for module in MODULES}
    assert {"core", "directory", "accounts", "timetable"} <= names


@pytest.mark.parametrize("module", ["core", "secretariat", "directory", "accounts",
                                    "timetable", "notifications", "audit"])
def test_the_package_reexports_every_public_name(module):
    module = importlib.import_module(f"ent.rights.{module}")
    public = [name for name, _ in _functions(module) if not name.startswith("_")]
    assert public
    for name in public:
        assert getattr(rights, name) is getattr(module, name), name
        assert name in rights.__all__


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_every_rights_function_is_typed(module):
    untyped = []
    for name, func in _functions(module):
        signature = inspect.signature(func)
        if signature.return_annotation is inspect.Signature.empty or any(
                parameter.annotation is inspect.Parameter.empty
                for parameter in signature.parameters.values()
                if parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)):
            untyped.append(name)
    assert not untyped, f"untyped in {module.__name__}: {untyped}"
