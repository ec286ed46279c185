"""The Brief Addiction Monitor's published scoring, pinned item by item (VA; Cacciola 2013).

Days scale 0 → 0, 1-3 → 1, 4-8 → 2, 9-15 → 3, 16-30 → 4; item 1 Excellent 0 … Poor 4; item 14
No 0 · Yes 4; extent items Not at all 0 … Extremely 4. Use = 4+5+6, Risk = 1+2+3+8+11+15,
Protective = 9+10+12+13+14+16; item 17 in no composite; 7A-G not scored. Flags: Use ≥ 1,
Risk ≥ 12, Protective ≤ 12.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homegroup.measures import bam
from homegroup.measures.base import AnswersInvalid

DAY_ITEMS = ["2", "3", "4", "5", "6", "10", "11", "13", "16"]
EXTENT_ITEMS = ["8", "9", "12", "15", "17"]
CLASS_ITEMS = ["7A", "7B", "7C", "7D", "7E", "7F", "7G"]


def answers(**overrides):
    """A BAM with every answer at its lowest, then the given items (keys like item_4)."""
    base = {key: 0 for key in bam.INSTRUMENT.keys}
    base["1"] = 0
    for name, value in overrides.items():
        base[name.removeprefix("item_")] = value
    return base


def test_the_instrument_has_17_numbered_items_and_7a_to_7g():
    assert bam.INSTRUMENT.keys == (
        "1", "2", "3", "4", "5", "6", *CLASS_ITEMS, "8", "9", "10", "11", "12", "13", "14",
        "15", "16", "17",
    )  # fmt: skip
    assert (bam.INSTRUMENT.id, bam.INSTRUMENT.version, bam.INSTRUMENT.period_days) == (
        "bam",
        "2",
        30,
    )
    assert bam.INSTRUMENT_V1.keys == bam.INSTRUMENT.keys


def test_version_2_records_the_va_forms_wording_where_version_1_departed_from_it():
    v1, v2 = bam.INSTRUMENT_V1, bam.INSTRUMENT
    assert "(i.e., around risky people, places or things)" in v2.item("11").text
    assert "risky people, places" not in v1.item("11").text
    assert "at least 4 if you are a woman or over 65" in v2.item("5").text
    for key in CLASS_ITEMS:
        assert v2.item(key).stem == (
            "In the past 30 days, how many days did you use any of the following drugs?"
        )
        assert v1.item(key).stem == ""
    assert "nail polish remover" in v2.item("7F").text
    assert "Benadryl" in v2.item("7G").text
    # The adaptations that stay: "other than as prescribed" (the VA says "abuse"), "(clean)"
    # inside the VA's own item 9.
    assert "other than as prescribed" in v2.item("6").text
    assert "abstinent (clean)" in v2.item("9").text


def test_a_kind_of_drug_cannot_outnumber_the_drug_days_from_version_2():
    raw = answers(item_6=3, **{"7A": 3, "7E": 5})
    with pytest.raises(AnswersInvalid) as refused:
        bam.score(raw)
    assert [(p.key, p.message) for p in refused.value.problems] == [
        ("7E", "cannot be more than the days you used any drug")
    ]
    # Version 1 accepted it: answers stored then keep their version and their scores.
    assert bam.score(raw, "1") == bam.score(answers(item_6=3, **{"7A": 3}), "2")


def test_the_two_versions_score_the_same_answers_alike():
    raw = answers(item_4=10, item_5=4, item_6=2, item_2=20, item_9=3, **{"7C": 2})
    assert bam.score(raw, "1") == bam.score(raw, "2")


def test_an_unknown_version_is_refused():
    with pytest.raises(KeyError):
        bam.score(answers(), "3")


@pytest.mark.parametrize(
    ("days", "category"),
    [(0, 0), (1, 1), (2, 1), (3, 1), (4, 2), (8, 2), (9, 3), (15, 3), (16, 4), (30, 4)],
)
def test_raw_days_map_to_the_published_categories(days, category):
    assert bam.days_category(days) == category


@pytest.mark.parametrize("days", [-1, 31, 3.5, True, "4"])
def test_a_day_count_outside_0_to_30_is_refused(days):
    with pytest.raises(ValueError, match="0 to 30"):
        bam.days_category(days)


@pytest.mark.parametrize("key", DAY_ITEMS)
@pytest.mark.parametrize(
    ("days", "category"), [(0, 0), (3, 1), (4, 2), (8, 2), (9, 3), (15, 3), (16, 4), (30, 4)]
)
def test_each_day_item_scores_by_the_days_scale(key, days, category):
    raw = answers(**{key: days})
    if key == "5":
        raw["4"] = 30  # heavy-drinking days are asked only after some drinking days
    assert bam.score(raw).items[key] == category


@pytest.mark.parametrize(
    ("value", "label"), [(0, "Excellent"), (1, "Very good"), (2, "Good"), (3, "Fair"), (4, "Poor")]
)
def test_item_1_physical_health_runs_from_excellent_0_to_poor_4(value, label):
    assert bam.INSTRUMENT.item("1").scale.label_of(value) == label
    assert bam.score(answers(item_1=value)).items["1"] == value


@pytest.mark.parametrize("key", EXTENT_ITEMS)
@pytest.mark.parametrize(
    ("value", "label"),
    [(0, "Not at all"), (1, "Slightly"), (2, "Moderately"), (3, "Considerably"), (4, "Extremely")],
)
def test_each_extent_item_runs_from_not_at_all_0_to_extremely_4(key, value, label):
    assert bam.INSTRUMENT.item(key).scale.label_of(value) == label
    assert bam.score(answers(**{key: value})).items[key] == value


@pytest.mark.parametrize(("value", "label"), [(0, "No"), (4, "Yes")])
def test_item_14_enough_income_is_no_0_or_yes_4(value, label):
    assert bam.INSTRUMENT.item("14").scale.label_of(value) == label
    assert bam.score(answers(item_14=value)).items["14"] == value


@pytest.mark.parametrize("value", [1, 2, 3, 5])
def test_item_14_has_no_answer_between_no_and_yes(value):
    with pytest.raises(AnswersInvalid) as raised:
        bam.score(answers(item_14=value))
    assert [p.key for p in raised.value.problems] == ["14"]


@pytest.mark.parametrize(
    ("key", "domain"),
    [("1", "risk"), ("2", "risk"), ("3", "risk"), ("8", "risk"), ("11", "risk"), ("15", "risk"),
     ("4", "use"), ("5", "use"), ("6", "use"),
     ("9", "protective"), ("10", "protective"), ("12", "protective"), ("13", "protective"),
     ("14", "protective"), ("16", "protective"),
     ("17", None)],
)  # fmt: skip
def test_each_scored_item_belongs_to_its_published_composite(key, domain):
    item = bam.INSTRUMENT.item(key)
    assert item.scored
    assert item.domain == domain


@pytest.mark.parametrize("key", CLASS_ITEMS)
def test_items_7a_to_7g_are_not_scored(key):
    item = bam.INSTRUMENT.item(key)
    assert not item.scored
    assert item.domain is None
    score = bam.score(answers(item_6=20, **{key: 20}))
    assert key not in score.items
    assert score.use == 4


def test_the_use_composite_is_items_4_5_and_6():
    score = bam.score(answers(item_4=10, item_5=4, item_6=2))
    assert (score.items["4"], score.items["5"], score.items["6"]) == (3, 2, 1)
    assert score.use == 6


def test_the_risk_composite_is_items_1_2_3_8_11_and_15():
    score = bam.score(answers(item_1=4, item_2=20, item_3=9, item_8=2, item_11=1, item_15=3))
    assert score.risk == 4 + 4 + 3 + 2 + 1 + 3


def test_the_protective_composite_is_items_9_10_12_13_14_and_16():
    score = bam.score(answers(item_9=4, item_10=30, item_12=1, item_13=5, item_14=4, item_16=2))
    assert score.protective == 4 + 4 + 1 + 2 + 4 + 1


def test_item_17_is_scored_but_in_no_composite():
    low, high = bam.score(answers(item_17=0)), bam.score(answers(item_17=4))
    assert (low.use, low.risk, low.protective) == (high.use, high.risk, high.protective)
    assert high.satisfaction == 4


def test_item_5_counts_zero_when_item_4_is_zero_even_if_answered():
    assert bam.validate(answers(item_4=0, item_5=12))["5"] is None
    score = bam.score(answers(item_4=0, item_5=12))
    assert score.items["5"] == 0
    assert score.use == 0


def test_item_5_may_be_left_out_when_item_4_is_zero():
    raw = answers(item_4=0)
    del raw["5"]
    assert bam.score(raw).items["5"] == 0


def test_items_7a_to_7g_are_not_asked_when_item_6_is_zero():
    raw = answers(item_6=0)
    for key in CLASS_ITEMS:
        del raw[key]
    assert all(bam.validate(raw)[key] is None for key in CLASS_ITEMS)


def test_heavy_drinking_days_cannot_outnumber_drinking_days():
    with pytest.raises(AnswersInvalid) as raised:
        bam.score(answers(item_4=3, item_5=4))
    assert [p.key for p in raised.value.problems] == ["5"]


@pytest.mark.parametrize(("use", "flagged"), [(0, False), (1, True)])
def test_the_use_flag_is_raised_by_any_use(use, flagged):
    assert bam.score(answers(item_6=use)).use_flag is flagged


@pytest.mark.parametrize(
    ("items", "risk", "flagged"),
    [
        ({"item_1": 4, "item_8": 4, "item_15": 3}, 11, False),
        ({"item_1": 4, "item_8": 4, "item_15": 4}, 12, True),
        ({"item_1": 4, "item_8": 4, "item_15": 4, "item_11": 1}, 13, True),
    ],
)
def test_the_risk_flag_is_raised_at_12_or_more(items, risk, flagged):
    score = bam.score(answers(**items))
    assert score.risk == risk
    assert score.risk_flag is flagged


@pytest.mark.parametrize(
    ("items", "protective", "flagged"),
    [
        ({"item_9": 4, "item_14": 4, "item_12": 3}, 11, True),
        ({"item_9": 4, "item_14": 4, "item_12": 4}, 12, True),
        ({"item_9": 4, "item_14": 4, "item_12": 4, "item_16": 1}, 13, False),
    ],
)
def test_the_protective_flag_is_raised_at_12_or_less(items, protective, flagged):
    score = bam.score(answers(**items))
    assert score.protective == protective
    assert score.protective_flag is flagged


def test_raw_day_counts_are_what_is_stored():
    stored = bam.validate(answers(item_2=17, item_10=9))
    assert (stored["2"], stored["10"]) == (17, 9)


def test_every_missing_answer_is_named():
    with pytest.raises(AnswersInvalid) as raised:
        bam.score({"1": 0})
    missing = {p.key for p in raised.value.problems}
    assert missing == {"2", "3", "4", "6", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17"}


@pytest.mark.parametrize("bad", [31, -1, "x", 2.5, True, None, "", "1e3"])
def test_a_bad_day_count_is_refused_with_its_item(bad):
    with pytest.raises(AnswersInvalid) as raised:
        bam.score(answers(item_2=bad))
    assert [p.key for p in raised.value.problems] == ["2"]


def test_an_unknown_item_is_refused():
    with pytest.raises(AnswersInvalid, match="not a question"):
        bam.score(answers(item_18=1))


def test_digit_strings_from_a_form_are_accepted():
    assert bam.score({**answers(), "2": "16"}).items["2"] == 4


def test_the_scores_are_json_ready_with_the_flags():
    data = bam.score(answers(item_6=1)).as_json()
    assert data["use"] == 1
    assert data["flags"] == {"use": True, "risk": False, "protective": True}


def test_item_notes_mark_use_high_risk_and_low_protection_as_worth_a_look():
    notes = {
        n.key: n
        for n in bam.item_notes(bam.validate(answers(item_4=2, item_3=20, item_9=1, item_13=16)))
    }
    assert notes["4"].worth_a_look
    assert notes["4"].days == 2
    assert notes["3"].worth_a_look
    assert notes["9"].worth_a_look
    assert notes["9"].answer == "Slightly"
    assert not notes["13"].worth_a_look
    assert notes["5"].score == 0


day_counts = st.integers(min_value=0, max_value=30)
extent = st.integers(min_value=0, max_value=4)


@st.composite
def full_answers(draw):
    raw = {key: draw(day_counts) for key in DAY_ITEMS}
    raw["5"] = draw(st.integers(min_value=0, max_value=raw["4"]))
    raw.update({key: draw(extent) for key in EXTENT_ITEMS})
    raw["1"] = draw(extent)
    raw["14"] = draw(st.sampled_from([0, 4]))
    raw.update({key: draw(st.integers(min_value=0, max_value=raw["6"])) for key in CLASS_ITEMS})
    return raw


@given(full_answers())
def test_composites_stay_in_their_published_ranges(raw):
    score = bam.score(raw)
    assert 0 <= score.use <= 12
    assert 0 <= score.risk <= 24
    assert 0 <= score.protective <= 24
    assert all(0 <= value <= 4 for value in score.items.values())


@given(full_answers(), st.sampled_from(DAY_ITEMS), st.integers(min_value=0, max_value=30))
def test_more_days_never_lower_an_item_score(raw, key, extra):
    higher = dict(raw)
    higher[key] = min(30, raw[key] + extra)
    if key == "4":
        pass
    elif key == "5":
        higher["5"] = min(higher["5"], raw["4"])
    assert bam.score(higher).items[key] >= bam.score(raw).items[key]


@given(full_answers())
def test_the_drug_classes_never_change_any_score(raw):
    without = dict(raw)
    for key in CLASS_ITEMS:
        without[key] = 0
    assert bam.score(raw) == bam.score(without)


def test_item_notes_use_the_words_of_the_answers_version():
    raw = answers()
    v1 = {n.key: n for n in bam.item_notes(bam.validate(raw, "1"), "1")}
    v2 = {n.key: n for n in bam.item_notes(bam.validate(raw))}
    assert "risky people, places" not in v1["11"].text
    assert "risky people, places" in v2["11"].text
