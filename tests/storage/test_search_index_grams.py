"""``grams_of`` gives every gram with its tier, in the same order, as its plain definition does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wsjc_desktop.storage.search_index import (
    TIER_ELSEWHERE,
    TIER_EXACT,
    TIER_PREFIX,
    TIER_TITLE,
    fold,
    grams_of,
)


def plain_grams_of(title: str, short_text: str) -> dict[str, int]:
    """The definition, written out slowly: 1- and 2-character grams of each whitespace-separated
    part of the short fields; the title's own grams rank TITLE, its first one or two characters
    PREFIX, the whole title EXACT."""
    tiers: dict[str, int] = {}
    for part in fold(short_text).split():
        for ch in part:
            tiers.setdefault(ch, TIER_ELSEWHERE)
        for i in range(len(part) - 1):
            tiers.setdefault(part[i : i + 2], TIER_ELSEWHERE)
    folded = fold(title)
    for part in folded.split():
        for gram in [*part, *(part[i : i + 2] for i in range(len(part) - 1))]:
            if gram in tiers:
                tiers[gram] = TIER_TITLE
    for gram in (folded[:1], folded[:2]):
        if gram in tiers:
            tiers[gram] = TIER_PREFIX
    if folded in tiers:
        tiers[folded] = TIER_EXACT
    return tiers


texts = st.text(st.sampled_from(list("张三李四王 \n\t区第1局AbCab·科长\u3000")), max_size=30)


@settings(max_examples=500, deadline=None)
@given(title=texts, short_text=texts)
def test_grams_and_their_order_match_the_definition(title: str, short_text: str) -> None:
    assert list(grams_of(title, short_text).items()) == list(plain_grams_of(title, short_text).items())


def test_a_cadre_entry() -> None:
    grams = grams_of("张三", "张三\n区财政局\n科长")
    assert grams["张三"] == TIER_EXACT and grams["张"] == TIER_PREFIX and grams["三"] == TIER_TITLE
    assert grams["财政"] == TIER_ELSEWHERE and "三区" not in grams
