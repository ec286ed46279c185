"""lib.substrings: which texts contain a piece of text, as `in` on lowered texts says."""

from hypothesis import given, settings
from hypothesis import strategies as st

from homegroup.lib.substrings import SubstringIndex

TEXTS = ["Serenity Group", "Step Study", "Big Book – Steps 1-3", "Café Ünïcode", "", "hope & dawn"]
pieces = st.text(alphabet="abcdeinoprstuyé -&1ÜSTEP", min_size=1, max_size=6)


def _expected(texts, piece):
    return [number for number, text in enumerate(texts) if piece.lower() in text.lower()]


def test_a_word_inside_a_word_is_found_whatever_its_case():
    index = SubstringIndex(TEXTS)
    assert index.find("STEP").tolist() == [1, 2]
    assert index.find("renit").tolist() == [0]
    assert index.find("ünï").tolist() == [3]


def test_pieces_across_words_and_without_letters_are_checked_as_text():
    index = SubstringIndex(TEXTS)
    assert index.find("ity gr").tolist() == [0]
    assert index.find(" & ").tolist() == [5]
    assert index.find("–").tolist() == [2]
    assert index.find("nothing like this").tolist() == []


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.text(alphabet="abcdeinoprstuyé -&1ÜSTEP", max_size=20), max_size=12),
       piece=pieces)  # fmt: skip
def test_find_agrees_with_in_on_lowered_texts(texts, piece):
    assert SubstringIndex(texts).find(piece).tolist() == _expected(texts, piece)
