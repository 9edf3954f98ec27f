"""The search index covers the record types the field spec marks searchable (``fields.SEARCHABLE``),
in its order; ``refresh`` relies on that order listing a kind after the kinds whose names its
entries show, and the module checks it when imported."""

from __future__ import annotations

import pytest

from wsjc_desktop.domain import fields
from wsjc_desktop.storage import search_index
from wsjc_desktop.storage.search_index import KINDS


def test_the_kinds_are_the_specs_searchable_types_in_its_order() -> None:
    assert tuple(spec.table for spec in fields.SEARCHABLE) == KINDS
    assert set(KINDS) == set(search_index._TABLES) == set(search_index._LOADERS)


def test_each_kind_comes_after_the_kinds_whose_names_it_shows() -> None:
    for kind, showing in search_index._SHOWN_ON.items():
        for shown_on, _id, _key in showing:
            assert KINDS.index(kind) < KINDS.index(shown_on), f"{kind} must come before {shown_on}"
    search_index._check_kinds(KINDS)  # what the import ran


def test_an_order_that_lists_a_kind_before_its_parent_is_refused() -> None:
    talks_first = ("talks", *[k for k in KINDS if k != "talks"])
    with pytest.raises(AssertionError, match="talks before cadres"):
        search_index._check_kinds(talks_first)
    meetings_first = ("meetings", *[k for k in KINDS if k != "meetings"])
    with pytest.raises(AssertionError, match="meetings before units"):
        search_index._check_kinds(meetings_first)


def test_a_searchable_type_the_index_cannot_load_is_refused() -> None:
    with pytest.raises(AssertionError, match="not the indexed"):
        search_index._check_kinds((*KINDS, "clues"))
    with pytest.raises(AssertionError, match="not the indexed"):
        search_index._check_kinds(KINDS[:-1])
