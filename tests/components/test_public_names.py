"""The public names of `components`, loaded on first use, are the ones __all__ lists: each is
the object its defining module holds, and __all__ and the lazy table name the same set."""

from __future__ import annotations

import importlib

import pytest

from secretkit import components


def test_all_and_the_lazy_table_name_the_same_names() -> None:
    assert sorted(components.__all__) == sorted(components._EXPORTS)


@pytest.mark.parametrize("name", components.__all__)
def test_each_public_name_is_its_modules_object(name: str) -> None:
    module = importlib.import_module(components._EXPORTS[name])
    assert getattr(components, name) is getattr(module, name)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = components.Nope


def test_secretkit_offers_every_public_name_of_components() -> None:
    """`from secretkit import RotatingSecret` is the documented import: the same objects."""
    import secretkit  # noqa: PLC0415

    assert sorted(secretkit.__all__) == sorted(components.__all__)
    for name in components.__all__:
        assert getattr(secretkit, name) is getattr(components, name)


def test_secretkit_refuses_an_unknown_name() -> None:
    import secretkit  # noqa: PLC0415

    with pytest.raises(AttributeError, match="module 'secretkit' has no attribute 'Nope'"):
        _ = secretkit.Nope
