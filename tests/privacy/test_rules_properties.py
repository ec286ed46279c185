"""P2-06, P2-04, P2-05, P2-09, H-02: the disclosure decision, over thousands of random consents.

`rules.decide` is pure, so hypothesis can throw any mix of consents, restrictions and grants at
it: it denies by default, never lets through more than active consents name, never counts a
revoked or expired consent, and a restriction always wins.
"""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from homegroup.privacy import categories, rules

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PERSON = 1
VIEWER = 2
OTHER = 3
PROGRAM = 10
OTHER_PROGRAM = 11
PURPOSES = [
    rules.TREATMENT,
    rules.PAYMENT,
    rules.OPERATIONS,
    rules.PERSONAL_SUPPORT,
    rules.RESEARCH_PURPOSE,
]
CATEGORY = st.sampled_from(sorted(categories.ALL))
CATEGORY_SET = st.frozensets(CATEGORY, max_size=len(categories.ALL))
MOMENT = st.one_of(st.none(), st.integers(-100, 100).map(lambda h: NOW + timedelta(hours=h)))


@st.composite
def consents(draw, ident=st.integers(1, 10_000)):
    to_program = draw(st.booleans())
    return rules.ConsentFacts(
        id=draw(ident),
        kind=draw(
            st.sampled_from([rules.TPO, rules.SPECIFIC, rules.COUNSELING_NOTES, rules.RESEARCH])
        ),
        categories=draw(CATEGORY_SET),
        purposes=draw(st.frozensets(st.sampled_from(PURPOSES), min_size=1)),
        recipient_user_id=None if to_program else draw(st.sampled_from([VIEWER, OTHER])),
        recipient_program_id=draw(st.sampled_from([PROGRAM, OTHER_PROGRAM]))
        if to_program
        else None,
        activated_at=draw(MOMENT),
        revoked_at=draw(MOMENT),
        expires_at=draw(MOMENT),
        expiry_kind=draw(
            st.sampled_from(
                [rules.EXPIRES_ON_DATE, rules.EXPIRES_AT_END_OF_TREATMENT, rules.NO_EXPIRY]
            )
        ),
        treatment_ongoing=draw(st.booleans()),
    )


restrictions = st.builds(
    rules.RestrictionFacts,
    categories=CATEGORY_SET,
    recipient_user_id=st.sampled_from([None, VIEWER, OTHER]),
    recipient_program_id=st.sampled_from([None, PROGRAM, OTHER_PROGRAM]),
    purpose=st.sampled_from([None, *PURPOSES]),
)
grants = st.builds(
    rules.GrantFacts,
    id=st.integers(1, 100),
    clinician_id=st.sampled_from([VIEWER, OTHER]),
    opened_at=st.integers(-200, 0).map(lambda m: NOW + timedelta(minutes=m)),
    expires_at=st.integers(-100, 100).map(lambda m: NOW + timedelta(minutes=m)),
    categories=st.just(categories.BREAK_GLASS),
)
viewers = st.builds(
    rules.ViewerFacts,
    user_id=st.just(VIEWER),
    is_active=st.booleans(),
    care_team_program_ids=st.frozensets(st.sampled_from([PROGRAM, OTHER_PROGRAM])),
)


def decide(
    viewer,
    consent_list,
    restriction_list=(),
    grant_list=(),
    requested=None,
    purpose=rules.TREATMENT,
    person_active=True,
):
    return rules.decide(
        person_id=PERSON,
        viewer=viewer,
        consents=consent_list,
        restrictions=list(restriction_list),
        grants=list(grant_list),
        requested=categories.ALL if requested is None else requested,
        purpose=purpose,
        now=NOW,
        person_active=person_active,
    )


def covering(viewer, consent_list, purpose):
    return [
        c
        for c in consent_list
        if rules.consent_is_active(c, NOW) and rules.consent_covers(c, viewer, purpose)
    ]


@settings(max_examples=300)
@given(viewer=viewers, requested=CATEGORY_SET, purpose=st.sampled_from(PURPOSES))
def test_P2_06_with_no_consent_and_no_grant_the_gate_denies(viewer, requested, purpose):
    decision = decide(viewer, [], requested=requested, purpose=purpose)
    assert decision.basis == rules.DENIED
    assert decision.allowed == frozenset()


@settings(max_examples=300)
@given(
    viewer=viewers,
    consent_list=st.lists(consents(), max_size=6, unique_by=lambda c: c.id),
    restriction_list=st.lists(restrictions, max_size=3),
    grant_list=st.lists(grants, max_size=2, unique_by=lambda g: g.id),
    requested=CATEGORY_SET,
    purpose=st.sampled_from(PURPOSES),
)
def test_P2_06_never_more_than_requested_and_than_active_consents_and_grants_name(
    viewer, consent_list, restriction_list, grant_list, requested, purpose
):
    decision = decide(viewer, consent_list, restriction_list, grant_list, requested, purpose)
    assert decision.allowed <= requested
    consented = frozenset().union(*(c.categories for c in covering(viewer, consent_list, purpose)))
    open_grants = [
        g
        for g in grant_list
        if g.clinician_id == VIEWER
        and g.opened_at <= NOW < g.expires_at
        and purpose == rules.TREATMENT
    ]
    granted = frozenset().union(*(g.categories for g in open_grants))
    if not viewer.is_active:
        assert decision.allowed == frozenset()
    assert decision.allowed <= consented | granted
    # The record of each basis adds up to the whole decision, with no category twice.
    parts = [scope for _id, scope in decision.by_consent] + [decision.grant_categories]
    assert frozenset().union(*parts) == decision.allowed
    assert sum(len(p) for p in parts) == len(decision.allowed)


@settings(max_examples=300)
@given(
    viewer=viewers,
    consent_list=st.lists(consents(), max_size=6, unique_by=lambda c: c.id),
    requested=CATEGORY_SET,
    purpose=st.sampled_from(PURPOSES),
)
def test_P2_04_P2_05_revoked_expired_or_pending_consents_never_count(
    viewer, consent_list, requested, purpose
):
    live = [c for c in consent_list if rules.consent_is_active(c, NOW)]
    assert decide(viewer, consent_list, requested=requested, purpose=purpose) == decide(
        viewer, live, requested=requested, purpose=purpose
    )
    for consent in consent_list:
        if consent.revoked_at is not None and consent.revoked_at <= NOW:
            assert not rules.consent_is_active(consent, NOW)
        if consent.expiry_kind == rules.EXPIRES_ON_DATE and (
            consent.expires_at is None or consent.expires_at <= NOW
        ):
            assert not rules.consent_is_active(consent, NOW)
        if consent.activated_at is None:
            assert not rules.consent_is_active(consent, NOW)
        # An end written on a consent holds for good, whatever its kind (issue 9, item 1).
        if consent.expires_at is not None and consent.expires_at <= NOW:
            assert not rules.consent_is_active(consent, NOW)
        if consent.expiry_kind == rules.EXPIRES_AT_END_OF_TREATMENT and not (
            consent.treatment_ongoing
        ):
            assert not rules.consent_is_active(consent, NOW)


@settings(max_examples=300)
@given(consent=consents())
def test_one_function_decides_a_consents_status_and_only_active_counts(consent):
    status = rules.consent_status(consent, NOW)
    assert status in {rules.PENDING, rules.ACTIVE, rules.ENDED, rules.REVOKED}
    assert rules.consent_is_active(consent, NOW) == (status == rules.ACTIVE)
    if consent.revoked_at is not None and consent.revoked_at <= NOW:
        assert status == rules.REVOKED


@settings(max_examples=300)
@given(
    viewer=viewers,
    consent_list=st.lists(consents(), max_size=6, unique_by=lambda c: c.id),
    grant_list=st.lists(grants, max_size=2, unique_by=lambda g: g.id),
    purpose=st.sampled_from(PURPOSES),
)
def test_an_inactive_persons_record_is_disclosed_to_nobody(
    viewer, consent_list, grant_list, purpose
):
    decision = decide(
        viewer, consent_list, grant_list=grant_list, purpose=purpose, person_active=False
    )
    assert (decision.basis, decision.allowed) == (rules.DENIED, frozenset())


@settings(max_examples=300)
@given(
    viewer=viewers,
    consent_list=st.lists(consents(), max_size=6, unique_by=lambda c: c.id),
    restriction=restrictions,
    purpose=st.sampled_from(PURPOSES),
)
def test_P2_09_a_restriction_always_wins_over_a_consent(viewer, consent_list, restriction, purpose):
    decision = decide(viewer, consent_list, [restriction], purpose=purpose)
    applies_to_viewer = restriction.recipient_user_id in (None, VIEWER)
    applies_to_purpose = restriction.purpose in (None, purpose)
    if applies_to_viewer and applies_to_purpose and restriction.recipient_program_id is None:
        assert not (decision.allowed & restriction.categories)
    for consent_id, scope in decision.by_consent:
        consent = next(c for c in consent_list if c.id == consent_id)
        if (
            applies_to_viewer
            and applies_to_purpose
            and restriction.recipient_program_id
            in (
                None,
                consent.recipient_program_id,
            )
        ):
            assert not (scope & restriction.categories)


@settings(max_examples=300)
@given(viewer=viewers, consent_list=st.lists(consents(), max_size=6, unique_by=lambda c: c.id))
def test_P2_02_P2_03_counseling_notes_pass_only_under_a_counseling_notes_consent(
    viewer, consent_list
):
    decision = decide(viewer, consent_list)
    for consent_id, scope in decision.by_consent:
        kind = next(c for c in consent_list if c.id == consent_id).kind
        if kind == rules.COUNSELING_NOTES:
            assert scope <= {rules.COUNSELING_NOTES_CATEGORY}
        else:
            assert rules.COUNSELING_NOTES_CATEGORY not in scope
    assert rules.COUNSELING_NOTES_CATEGORY not in decision.grant_categories


@settings(max_examples=200)
@given(grant=grants, purpose=st.sampled_from(PURPOSES))
def test_H_02_break_glass_opens_treatment_access_only_inside_its_window(grant, purpose):
    viewer = rules.ViewerFacts(user_id=VIEWER, is_active=True)
    decision = decide(viewer, [], grant_list=[grant], purpose=purpose)
    open_now = grant.clinician_id == VIEWER and grant.opened_at <= NOW < grant.expires_at
    if open_now and purpose == rules.TREATMENT:
        assert decision.basis == rules.BREAK_GLASS
        assert decision.allowed == categories.BREAK_GLASS
        assert categories.Category.PRIVATE_NOTES not in decision.allowed
    else:
        assert decision.basis == rules.DENIED


def test_P2_06_the_person_sees_their_own_record_without_a_disclosure():
    me = rules.ViewerFacts(user_id=PERSON, is_active=True)
    decision = rules.decide(
        person_id=PERSON,
        viewer=me,
        consents=[],
        restrictions=[],
        grants=[],
        requested=frozenset({"medication"}),
        purpose=rules.TREATMENT,
        now=NOW,
        person_active=True,
    )
    assert (decision.basis, decision.allowed) == (rules.SELF, frozenset({"medication"}))
