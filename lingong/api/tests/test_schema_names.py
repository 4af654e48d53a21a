"""The OpenAPI names each schema by its class name, so two schemas with one name overwrite each other
and partners read the wrong shape for one of them. Schema class names must be unique project-wide."""

import inspect
from collections import defaultdict

from ninja import Schema

import lingong.api.main  # noqa: F401  (imports every app's api modules)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_schema_class_names_are_unique():
    where = defaultdict(set)
    for cls in _subclasses(Schema):
        module = inspect.getmodule(cls)
        if module is not None and module.__name__.startswith("lingong."):
            where[cls.__name__].add(module.__name__)
    clashes = {name: sorted(mods) for name, mods in where.items() if len(mods) > 1}
    assert clashes == {}
