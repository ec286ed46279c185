"""directory.places.resolve_near: US ZIP codes and towns offline, cities elsewhere."""

import pytest

from homegroup.directory.places import key, resolve_near


@pytest.mark.parametrize(
    ("text", "label", "point"),
    [
        ("14850", "14850 (Ithaca, NY)", (42.44, -76.50)),
        ("14850-1234", "14850 (Ithaca, NY)", (42.44, -76.50)),
        ("Ithaca, NY", "Ithaca, NY", (42.44, -76.49)),
        ("ithaca,  new york", "Ithaca, NY", (42.44, -76.49)),
        # Three states have an Ithaca; only New York's is a city of more than 15,000.
        ("Ithaca", "Ithaca, NY", (42.44, -76.49)),
        ("Geneva, NY", "Geneva, NY", (42.86, -76.99)),
        ("St. Louis", "Saint Louis, MO", (38.64, -90.30)),
        ("Springfield, IL", "Springfield, IL", (39.77, -89.65)),
        ("Paris, USA", "Paris, TX", (33.67, -95.51)),
        ("Belleville, Canada", "Belleville, Canada", (44.17, -77.38)),
        ("Belleville, ON", "Belleville, ON, Canada", (44.17, -77.38)),
        ("Montréal, Québec", "Montréal, QC, Canada", (45.51, -73.59)),
        ("Toronto", "Toronto, Canada", (43.71, -79.40)),
        ("London, UK", "London, United Kingdom", (51.51, -0.13)),
    ],
)
def test_a_zip_code_or_a_town_resolves_to_a_point_and_a_label(text, label, point):
    found = resolve_near(text)
    assert found.label == label
    assert (found.latitude, found.longitude) == pytest.approx(point, abs=0.01)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Type a US ZIP code or a town."),
        ("00000", "No US ZIP code 00000 is known."),
        ("1485", "A US ZIP code has five digits"),
        ("Springfield", "There are several places called “Springfield” (in AR, CO"),
        ("London", "add the state or the country"),
        ("Ithaca, CA", "No town called “Ithaca” is known in CA."),
        ("Ithaca, Narnia", "“Narnia” is not a US state, a Canadian province or a country"),
        ("Nowhere Special", "No place called “Nowhere Special” is known."),
        ("Smallville, France", "No city called “Smallville” is known in France"),
    ],
)
def test_an_unknown_or_ambiguous_place_says_what_to_type_instead(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        resolve_near(text)


def test_place_names_compare_without_case_accents_dots_or_abbreviations():
    assert key("  St.  Louis ") == key("saint louis")
    assert key("Montréal") == key("MONTREAL")
    assert key("Ft. Myers") == key("Fort Myers")
