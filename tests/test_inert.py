"""awsexplorer/inert.py: properties over generated text (hypothesis), and its table of format
characters against the Unicode database of this Python."""

from __future__ import annotations

import json
import sys
import unicodedata
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from awsexplorer.inert import csv_cell, escape_json_text, inert, is_inert, json_text
from tests.hostile import CORPUS, leaks

NEVER_RAW = ("Cc", "Cf", "Cs", "Zl", "Zp")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Not format characters by category, but printed as nothing: inert shows them escaped too
# (Hangul fillers, the combining grapheme joiner, Mongolian and standard variation selectors).
INVISIBLE_EXTRAS = frozenset(
    "\u115f\u1160\u3164\uffa0\u034f\u17b4\u17b5"
    + "".join(chr(c) for c in range(0x180B, 0x1810))
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))
)

# Every code point, lone surrogates included (st.characters() leaves them out by default).
any_character = st.one_of(
    st.characters(codec=None),
    st.characters(min_codepoint=0, max_codepoint=0x9F),  # controls, often
    st.characters(categories=("Cf", "Zl", "Zp")),
    st.characters(categories=("Cs",)),
)
any_text = st.text(alphabet=any_character, max_size=200)
clean_text = st.text(
    alphabet=st.characters(categories=("L", "N", "P", "S", "Zs", "Mc", "Me")).filter(
        lambda c: c not in INVISIBLE_EXTRAS
    ),
    max_size=200,
)
json_data = st.recursive(
    st.none() | st.booleans() | st.integers() | any_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=20,
)


def raw(text: str, allowed: str = "") -> list[str]:
    return [c for c in text if c not in allowed and unicodedata.category(c) in NEVER_RAW]


@given(any_text)
def test_inert_text_holds_no_control_format_or_separator_character(text: str) -> None:
    shown = inert(text)
    assert raw(shown) == []
    assert is_inert(shown)
    assert leaks(shown) == []


@given(any_text)
def test_keep_newlines_keeps_only_the_newline(text: str) -> None:
    shown = inert(text, keep_newlines=True)
    assert raw(shown, allowed="\n") == []
    assert shown.count("\n") == text.count("\n")


@given(clean_text)
def test_clean_text_is_unchanged(text: str) -> None:
    assert inert(text) == text
    assert inert(text) is text  # not even copied: the UI calls this for every label


@given(any_text, st.integers(min_value=1, max_value=50))
def test_limit_cuts_with_an_ellipsis(text: str, limit: int) -> None:
    shown = inert(text, limit=limit)
    assert len(shown) <= limit
    if len(inert(text)) > limit:
        assert shown.endswith("…")
    else:
        assert shown == inert(text)


@given(any_text)
def test_every_unsafe_character_gets_a_visible_stand_in(text: str) -> None:
    # Nothing is dropped: each unsafe character leaves one printable character or more behind,
    # and every safe one is kept in order.
    shown = inert(text)
    assert len(shown) >= len(text)
    kept = iter(shown)
    assert all(c in kept for c in text if is_inert(c))


@given(json_data, st.sampled_from([None, 2]))
@settings(max_examples=200)
def test_json_text_round_trips_and_writes_no_raw_character(data: Any, indent: int | None) -> None:
    text = json_text(data, indent=indent)
    assert json.loads(text) == data
    assert raw(text, allowed="\n" if indent else "") == []
    assert escape_json_text(text) == text  # escaping twice changes nothing


@given(any_text)
def test_escape_json_text_keeps_what_someone_else_serialised_valid(text: str) -> None:
    serialised = json.dumps({"v": text}, ensure_ascii=False)
    assert json.loads(escape_json_text(serialised)) == {"v": text}


@given(st.sampled_from(FORMULA_STARTS), any_text)
def test_csv_cell_neutralises_formula_starts(start: str, rest: str) -> None:
    cell = csv_cell(start + rest)
    assert cell.startswith("'")
    assert raw(cell) == []


@given(any_text)
def test_csv_cell_is_inert_and_leaves_other_starts_alone(text: str) -> None:
    cell = csv_cell(text)
    assert raw(cell) == []
    if not text.startswith(FORMULA_STARTS):
        assert cell == inert(text)


def test_the_corpus_is_made_inert() -> None:
    for key, value in CORPUS.items():
        assert leaks(inert(value)) == [], key
        assert raw(inert(value)) == [], key


def test_every_format_character_of_unicode_is_listed() -> None:
    """The hand-written format-character table in inert.py covers every Cf code point of this
    Python's Unicode database (and every control, surrogate and line/paragraph separator)."""
    missing = [
        f"U+{code:04X} {unicodedata.category(chr(code))}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in NEVER_RAW and is_inert(chr(code))
    ]
    assert missing == [], f"Unicode {unicodedata.unidata_version}: {missing}"
