"""Plain text out of feeds' free-text fields."""

from hypothesis import given
from hypothesis import strategies as st

from homegroup.lib.text import normalise_lines, normalise_whitespace, single_line, strip_html


def test_html_becomes_text_with_its_line_breaks():
    html = "<p>Enter by the <b>rear</b> door.</p><p>Park on&nbsp;Elm&nbsp;St.<br>No pets</p>"
    assert strip_html(html) == "Enter by the rear door.\n\nPark on Elm St.\nNo pets"


def test_list_items_become_lines():
    assert strip_html("<ul><li>Masks optional</li><li>Seating to capacity</li></ul>") == (
        "Masks optional\nSeating to capacity"
    )


def test_entities_are_unescaped_in_plain_text_too():
    assert strip_html("Men&#39;s Stag &amp; Drag") == "Men's Stag & Drag"


def test_a_less_than_sign_that_is_not_a_tag_is_kept():
    assert strip_html("ages 18 < 30 welcome") == "ages 18 < 30 welcome"


def test_script_and_style_content_is_dropped():
    assert strip_html("<style>p{}</style>Hi<script>alert(1)</script> there") == "Hi there"


def test_plain_text_keeps_its_own_line_breaks_and_loses_extra_blank_lines():
    assert strip_html("-Indoors\r\n-Masks optional\n\n\n\n-Seating") == (
        "-Indoors\n-Masks optional\n\n-Seating"
    )


def test_newlines_inside_html_source_are_layout_not_content():
    assert strip_html("<p>one\ntwo</p>") == "one two"


def test_whitespace_collapses_to_one_line():
    assert (
        normalise_whitespace("  903 Delaware,\n  Alamogordo, NM ") == "903 Delaware, Alamogordo, NM"
    )
    assert single_line("St. Mary&#39;s <i>Church</i>") == "St. Mary's Church"


@given(st.text(alphabet=st.characters(blacklist_characters="<&"), max_size=80))
def test_text_without_markup_is_only_normalised(text):
    assert strip_html(text) == normalise_lines(text)


@given(st.text(max_size=120))
def test_strip_html_never_fails_and_returns_trimmed_text(text):
    once = strip_html(text)
    assert "\r" not in once
    assert "\n\n\n" not in once
    assert once == once.strip()


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["p", "div", "b", "i", "li", "span", "h2"]),
            st.text(alphabet="abc xyz", min_size=1, max_size=10),
        ),
        max_size=6,
    )
)
def test_generated_html_leaves_no_tags(parts):
    html = "".join(f"<{tag} class='x'>{body}</{tag}>" for tag, body in parts)
    result = strip_html(html)
    assert "<" not in result
    assert ">" not in result
    assert result.replace("\n", "").replace(" ", "") == "".join(b for _, b in parts).replace(
        " ", ""
    )
