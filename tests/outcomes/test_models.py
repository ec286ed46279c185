"""The report's model is a GEE (independence working correlation, person clusters, robust
errors), fitted as its vectorised equal: the logistic regression with person-clustered
sandwich errors. Both fitted here on a generated cohort give the same report."""

from __future__ import annotations

import math
import warnings

import pytest
import statsmodels.api as sm
from django.utils import timezone

from homegroup.outcomes import actions, analysis, reports, windows
from homegroup.privacy import actions as privacy_actions
from homegroup.privacy import aggregate, rules

pytestmark = pytest.mark.django_db


def test_the_model_reports_what_statsmodels_gee_estimates(people):
    program = privacy_actions.create_program(name="Models", admin=people.pat)
    actions.generate_cohort(program=program, people=120, days=240, seed=9)
    as_of = timezone.now().date()
    counted = aggregate.people_counted(
        program=program, purpose=rules.OPERATIONS, categories_needed=reports.CATEGORIES
    )
    reads = windows.read(
        program=program, person_ids=counted.person_ids, network_ids=(), as_of=as_of
    )
    pairs = analysis.window_pairs(reads, as_of).frame
    reported = analysis.models(pairs)["terms"]

    frame = pairs.dropna(subset=["bam_use", "bam_risk", "bam_protective"])
    terms = [column for name, (column, _label) in analysis.MODEL_TERMS.items()
             if reported[name]["odds_ratio"] is not None]  # fmt: skip
    design = {
        "attendance_weekly": frame["attendance_weekly"],
        "service": frame["did_service"],
        "sponsor": frame["sponsor_contact"],
        "group_drugs": (frame["group"] == "drugs").astype(int),
        "group_both": (frame["group"] == "both").astype(int),
        "medication_methadone": (frame["medication"] == "methadone").astype(int),
        "medication_buprenorphine": (frame["medication"] == "buprenorphine").astype(int),
        "medication_naltrexone": (frame["medication"] == "naltrexone").astype(int),
    }
    exog = (
        frame[list(analysis.ADJUSTMENTS)]
        .astype(float)
        .assign(**{column: design[column] for column in terms})
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gee = sm.GEE(
            frame["abstinent_next"].astype(float),
            sm.add_constant(exog.astype(float), has_constant="add"),
            groups=frame["person"],
            family=sm.families.Binomial(),
            cov_struct=sm.cov_struct.Independence(),
        ).fit()
    assert len(terms) >= 4
    for name, (column, _label) in analysis.MODEL_TERMS.items():
        if column not in terms:
            continue
        beta, se = float(gee.params[column]), float(gee.bse[column])
        assert reported[name]["odds_ratio"] == round(math.exp(beta), 3), name
        assert reported[name]["ci_low"] == round(math.exp(beta - 1.959964 * se), 3), name
        assert reported[name]["ci_high"] == round(math.exp(beta + 1.959964 * se), 3), name
        assert reported[name]["p"] == pytest.approx(float(gee.pvalues[column]), rel=1e-3), name
