"""Each fellowship's code list and turning a source's tokens into codes."""

from homegroup.directory.importers.codes import (
    MOUD,
    CodeResolver,
    code_table,
    meeting_guide_types,
    normalise_code_map,
)


def test_the_meeting_guide_table_has_87_codes_in_9_languages():
    table = meeting_guide_types()
    assert len(table) == 87
    assert all(len(names) == 9 for names in table.values())
    assert table["S"]["en"] == "Spanish"
    assert table["SP"]["en"] == "Speaker"


def test_moud_collides_with_no_code_of_any_fellowship_table():
    assert MOUD not in meeting_guide_types()
    assert code_table("AA").lookup("moud") == MOUD
    assert code_table("NA").lookup("MOUD") == MOUD


def test_legacy_onl_and_ns_are_known_but_not_in_the_spec_table():
    assert "ONL" not in meeting_guide_types()
    assert code_table("AA").lookup("onl") == "ONL"
    assert code_table("AA").lookup("Non-Smoking") == "NS"


def test_na_uses_its_own_list():
    na = code_table("NA")
    assert na.lookup("JFT") == "JFT"
    assert na.lookup("Basic Text") == "BT"
    assert na.lookup("B") is None  # AA's Big Book is not an NA code


def test_names_in_any_of_the_nine_languages_find_the_code():
    aa = code_table("AA")
    assert aa.lookup("Libro Grande") == "B"
    assert aa.lookup("ACCÈS AUX FAUTEUILS ROULANTS") == "X"


def test_a_map_entry_can_give_several_codes_or_none():
    code_map = normalise_code_map({"ST": ["ST", "TR"], "F": [], "SS": "ST"})
    resolver = CodeResolver(code_table("AA"), code_map)
    assert resolver.resolve(["ST", "F", "ss", "O", "Zz"]) == (("O", "ST", "TR"), ("Zz",))
