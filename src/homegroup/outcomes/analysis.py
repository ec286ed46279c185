"""The outcome report's numbers, from the grouped reads of `outcomes.windows` (no database).

Definitions (docs/references.md, and on the page):

- A 30-day window is *abstinent* when no checked-in day in it reports use; a window with fewer
  than 20 checked-in days is excluded (and counted as excluded).
- *Participation* in the window before: meetings a week (meetings / (30/7), the journal's
  `meetings_per_week`) in bins 0, > 0 to < 1, 1 to < 3, ≥ 3, and 90-in-90 pace (≥ 1 a day, 30+
  in the window: `ninety_in_ninety().on_track` kept all month), the 12-step activities (days ×
  activities of `journal.progress.ACTIVITIES`), any service, any sponsor contact.
- *Medication* of a pair: the methadone, buprenorphine or naltrexone plan in effect on the first
  day of the window whose abstinence is judged; none otherwise.
- Every cell counts people; a cell of fewer than 11 people is suppressed (None → null).

These are associations in observational data, not proof that participation causes abstinence.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from homegroup.outcomes.windows import WINDOW_DAYS, Reads

MIN_CHECKED_DAYS = 20
SMALL_CELL = 11
MEETING_BINS = ("0", "0-1", "1-3", "3+")
NINETY_IN_NINETY = "90-in-90"
GROUPS = ("alcohol", "drugs", "both", "unknown")
MEDICATIONS = ("none", "methadone", "buprenorphine", "naltrexone")
# When two plans are in effect on one day, the first of these names the window.
MEDICATION_ORDER = ("methadone", "buprenorphine", "naltrexone")
ACTIVITY_BINS = ((0, 0, "0"), (1, 9, "1-9"), (10, 29, "10-29"), (30, None, "30+"))
SURVIVAL_DAYS = tuple(range(0, 331, 30))
CAVEAT = (
    "These are associations in this program's own observational data, not proof that "
    "participation causes abstinence: people who go to more meetings may differ in ways the "
    "adjustment does not capture."
)
# The model terms the report promises, with the contrast each one is.
MODEL_TERMS = {
    "attendance_weekly": ("attendance_weekly", "1 or more meetings a week vs fewer"),
    "service": ("service", "any service vs none"),
    "sponsor": ("sponsor", "any sponsor contact vs none"),
    "group": ("group_drugs", "drugs only vs alcohol only"),
    "group_both": ("group_both", "alcohol and drugs vs alcohol only"),
    "medication": ("medication_buprenorphine", "buprenorphine vs no medication"),
    "medication_methadone": ("medication_methadone", "methadone vs no medication"),
    "medication_naltrexone": ("medication_naltrexone", "naltrexone vs no medication"),
}
ADJUSTMENTS = ("bam_use", "bam_risk", "bam_protective", "months_in_program")


def suppressed(people: int) -> bool:
    return people < SMALL_CELL


def meetings_bin(per_week: pd.Series) -> pd.Series:
    """0, > 0 to < 1, 1 to < 3, ≥ 3 meetings a week."""
    return pd.Series(
        np.select(
            [per_week <= 0, per_week < 1, per_week < 3], list(MEETING_BINS[:3]), MEETING_BINS[3]
        ),
        index=per_week.index,
    )


def _medication_at(pairs: pd.DataFrame, plans: pd.DataFrame, day_column: str) -> pd.Series:
    """The medication in effect on each pair's `day_column` date ("none" when no plan)."""
    result = pd.Series("none", index=pairs.index, dtype=object)
    if plans.empty or pairs.empty:
        return result
    keyed = pairs[["person", day_column]].reset_index()
    merged = keyed.merge(plans, on="person")
    day = merged[day_column]
    active = (merged["active_from"] <= day) & (
        merged["active_to"].isna() | (merged["active_to"].fillna(day) >= day)
    )
    merged = merged[active & merged["medication"].isin(MEDICATION_ORDER)]
    if merged.empty:
        return result
    merged = merged.assign(order=merged["medication"].map(MEDICATION_ORDER.index))
    first = merged.sort_values("order").drop_duplicates("index").set_index("index")
    result.loc[first.index] = first["medication"]
    return result


@dataclass(frozen=True)
class Pairs:
    """Window pairs (participation in k, abstinence in k+1) and the windows left out."""

    frame: pd.DataFrame
    n_excluded: int


def window_pairs(reads: Reads, as_of: date) -> Pairs:
    """One row per person and complete window k whose next window is complete and has at least
    20 checked-in days; the complete next windows with fewer are counted as excluded."""
    enrolments = reads.enrolments.copy()
    if enrolments.empty:
        return Pairs(pd.DataFrame(), 0)
    enrolments["complete"] = (
        ((pd.Timestamp(as_of) - enrolments["enrolled_on"]).dt.days // WINDOW_DAYS)
        .clip(lower=0)
        .astype(int)
    )
    # Every complete window of every person, with its counts (zero where nothing was recorded).
    lengths = enrolments["complete"].to_numpy()
    grid = pd.DataFrame(
        {
            "person": np.repeat(enrolments["person"].to_numpy(), lengths),
            "window": np.concatenate([np.arange(n) for n in lengths]) if lengths.sum() else [],
        }
    )
    grid = grid.merge(reads.windows, on=["person", "window"], how="left")
    grid = grid.merge(reads.meetings, on=["person", "window"], how="left")
    counts = ["checked", "use_days", "service", "sponsor", "activities", "meetings"]
    grid[counts] = grid[counts].fillna(0).astype(int)
    following = grid[["person", "window", "checked", "use_days"]].rename(
        columns={"checked": "next_checked", "use_days": "next_use_days"}
    )
    following["window"] -= 1
    pairs = grid.merge(following, on=["person", "window"])
    excluded = int((pairs["next_checked"] < MIN_CHECKED_DAYS).sum())
    pairs = pairs[pairs["next_checked"] >= MIN_CHECKED_DAYS].copy()
    pairs = pairs.merge(enrolments[["person", "enrolled_on", "diagnosis_group"]], on="person")
    pairs["group"] = pairs["diagnosis_group"].replace("", "unknown").fillna("unknown")
    pairs["outcome_start"] = pairs["enrolled_on"] + pd.to_timedelta(
        WINDOW_DAYS * (pairs["window"] + 1), unit="D"
    )
    pairs["medication"] = _medication_at(pairs, reads.plans, "outcome_start")
    pairs["per_week"] = pairs["meetings"] * 7 / WINDOW_DAYS
    pairs["meetings_bin"] = meetings_bin(pairs["per_week"])
    pairs["ninety_in_ninety"] = pairs["meetings"] >= WINDOW_DAYS
    pairs["attendance_weekly"] = (pairs["per_week"] >= 1).astype(int)
    pairs["did_service"] = (pairs["service"] > 0).astype(int)
    pairs["sponsor_contact"] = (pairs["sponsor"] > 0).astype(int)
    pairs["abstinent_next"] = (pairs["next_use_days"] == 0).astype(int)
    pairs["months_in_program"] = pairs["window"] + 1
    baseline = _baseline_bam(reads)
    pairs = pairs.merge(baseline, on="person", how="left")
    return Pairs(pairs.reset_index(drop=True), excluded)


def _baseline_bam(reads: Reads) -> pd.DataFrame:
    """Each person's first BAM taken by day 30 of their enrolment (before it counts too)."""
    columns = ["person", "bam_use", "bam_risk", "bam_protective"]
    if reads.bams.empty:
        return pd.DataFrame(columns=columns)
    bams = reads.bams.merge(reads.enrolments[["person", "enrolled_on"]], on="person")
    early = bams[(bams["taken_on"] - bams["enrolled_on"]).dt.days < WINDOW_DAYS]
    first = early.sort_values(["person", "taken_on"]).drop_duplicates("person")
    return first.rename(
        columns={"use": "bam_use", "risk": "bam_risk", "protective": "bam_protective"}
    )[columns]


def _rate_rows(frame: pd.DataFrame, keys: dict[str, Any]) -> dict[str, Any]:
    people = int(frame["person"].nunique())
    hidden = suppressed(people)
    return {
        **keys,
        "n": None if hidden else len(frame),
        "n_people": None if hidden else people,
        "abstinent_next_30": None if hidden else round(float(frame["abstinent_next"].mean()), 3),
    }


def dose_response(pairs: pd.DataFrame) -> list[dict[str, Any]]:
    """Abstinence in the next window by meetings a week, for everyone, each diagnosis group and
    each medication (the other dimension "all")."""
    rows = []
    slices: list[tuple[str, str, pd.DataFrame]] = [("all", "all", pairs)]
    slices += [(g, "all", pairs[pairs["group"] == g]) for g in GROUPS]
    slices += [("all", m, pairs[pairs["medication"] == m]) for m in MEDICATIONS]
    for group, medication, part in slices:
        if part.empty:
            continue
        for label in MEETING_BINS:
            cell = part[part["meetings_bin"] == label]
            rows.append(
                _rate_rows(
                    cell, {"group": group, "medication": medication, "meetings_per_week": label}
                )
            )
        rows.append(
            _rate_rows(
                part[part["ninety_in_ninety"]],
                {"group": group, "medication": medication, "meetings_per_week": NINETY_IN_NINETY},
            )
        )
    return rows


def participation(pairs: pd.DataFrame) -> list[dict[str, Any]]:
    """Abstinence in the next window by 12-step activities, service and sponsor contact."""
    rows = []
    for low, high, label in ACTIVITY_BINS:
        inside = pairs["activities"] >= low
        if high is not None:
            inside &= pairs["activities"] <= high
        rows.append(_rate_rows(pairs[inside], {"measure": "activities", "level": label}))
    for measure, column in (("service", "did_service"), ("sponsor", "sponsor_contact")):
        for level, value in (("yes", 1), ("no", 0)):
            rows.append(
                _rate_rows(pairs[pairs[column] == value], {"measure": measure, "level": level})
            )
    return rows


def _empty_term(label: str, reason: str) -> dict[str, Any]:
    return {
        "contrast": label,
        "odds_ratio": None,
        "ci_low": None,
        "ci_high": None,
        "p": None,
        "n_people_exposed": None,
        "note": reason,
    }


@dataclass(frozen=True)
class Fitted:
    params: pd.Series
    bse: pd.Series
    pvalues: pd.Series


def _independence_gee(endog: pd.Series, exog: pd.DataFrame, *, groups: pd.Series) -> Fitted:
    """statsmodels' GEE (binomial, logit, independence working correlation, "robust" errors),
    without its loop over every person: with an independence working correlation the GEE's
    estimate is the logistic regression's, and its robust covariance the sandwich whose meat
    sums each person's scores (no small-sample correction), with GEE's bread (inverse, or the
    pseudo-inverse of a singular design). tests/outcomes/test_models.py checks the two agree."""
    import statsmodels.api as sm
    from scipy import stats

    glm = sm.GLM(endog, exog, family=sm.families.Binomial()).fit()
    x = exog.to_numpy(dtype=float)
    mean = np.asarray(glm.fittedvalues, dtype=float)
    bread_inverse = (x * (mean * (1 - mean))[:, None]).T @ x
    try:
        bread = np.linalg.inv(bread_inverse)
    except np.linalg.LinAlgError:
        bread = np.linalg.pinv(bread_inverse)
    codes = pd.factorize(groups)[0]
    scores = np.zeros((codes.max() + 1, x.shape[1]))
    np.add.at(scores, codes, x * (endog.to_numpy(dtype=float) - mean)[:, None])
    covariance = bread @ (scores.T @ scores) @ bread
    params = pd.Series(np.asarray(glm.params, dtype=float), index=exog.columns)
    bse = pd.Series(np.sqrt(np.diag(covariance)), index=exog.columns)
    pvalues = pd.Series(2 * stats.norm.sf(np.abs(params / bse)), index=exog.columns)
    return Fitted(params=params, bse=bse, pvalues=pvalues)


def models(pairs: pd.DataFrame) -> dict[str, Any]:
    """Logistic regression of next-window abstinence (GEE, person clusters, independence working
    correlation with robust errors, fitted as its equal: statsmodels' GLM with person-clustered
    sandwich errors), adjusted for the baseline BAM composites,
    diagnosis group, medication and months in the program. Odds ratios with 95% CIs."""
    import statsmodels.api as sm

    frame = pairs.dropna(subset=["bam_use", "bam_risk", "bam_protective"]).copy()
    result: dict[str, Any] = {}
    design = pd.DataFrame(
        {
            "attendance_weekly": frame["attendance_weekly"],
            "service": frame["did_service"],
            "sponsor": frame["sponsor_contact"],
            "group_drugs": (frame["group"] == "drugs").astype(int),
            "group_both": (frame["group"] == "both").astype(int),
            "group_unknown": (frame["group"] == "unknown").astype(int),
            "medication_methadone": (frame["medication"] == "methadone").astype(int),
            "medication_buprenorphine": (frame["medication"] == "buprenorphine").astype(int),
            "medication_naltrexone": (frame["medication"] == "naltrexone").astype(int),
            **{name: frame[name].astype(float) for name in ADJUSTMENTS},
        },
        index=frame.index,
    )
    people_per_term: dict[str, tuple[int, int]] = {}
    for column in design.columns:
        if column in ADJUSTMENTS:
            continue
        exposed = frame.loc[design[column] == 1, "person"].nunique()
        unexposed = frame.loc[design[column] == 0, "person"].nunique()
        people_per_term[column] = (int(exposed), int(unexposed))
    # A term with too few people on either side is left out of the model and reported as such.
    kept = [
        column
        for column in design.columns
        if column in ADJUSTMENTS or min(people_per_term[column]) >= SMALL_CELL
    ]
    fitted: Fitted | None = None
    reason = "not enough people to fit the model"
    if frame["person"].nunique() >= SMALL_CELL and frame["abstinent_next"].nunique() == 2:
        exog = sm.add_constant(design[kept].astype(float), has_constant="add")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fitted = _independence_gee(
                    frame["abstinent_next"].astype(float), exog, groups=frame["person"]
                )
        except (np.linalg.LinAlgError, ValueError) as error:
            reason = f"the model could not be fitted ({type(error).__name__})"
    for name, (column, label) in MODEL_TERMS.items():
        if fitted is None:
            result[name] = _empty_term(label, reason)
            continue
        if column not in kept:
            result[name] = _empty_term(label, "fewer than 11 people on one side")
            continue
        beta = float(fitted.params[column])
        se = float(fitted.bse[column])
        if not (math.isfinite(beta) and math.isfinite(se)):
            result[name] = _empty_term(label, "the estimate did not converge")
            continue
        result[name] = {
            "contrast": label,
            "odds_ratio": round(math.exp(beta), 3),
            "ci_low": round(math.exp(beta - 1.959964 * se), 3),
            "ci_high": round(math.exp(beta + 1.959964 * se), 3),
            "p": float(f"{float(fitted.pvalues[column]):.4g}"),
            "n_people_exposed": people_per_term[column][0],
            "note": "",
        }
    return {
        "terms": result,
        "n_windows": len(frame),
        "n_people": int(frame["person"].nunique()),
        "adjusted_for": ["baseline BAM use, risk and protective composites", "diagnosis group",
                         "medication", "months in the program"],
    }  # fmt: skip


def survival(reads: Reads) -> dict[str, Any]:
    """Kaplan-Meier time to first use after day 30, by tertile of participation (meetings and
    12-step activities) in the first 30 days, with numbers at risk and the log-rank test
    (lifelines). Follow-up ends at the last checked-in day: unknown days are never use."""
    from lifelines import KaplanMeierFitter
    from lifelines.statistics import multivariate_logrank_test

    first = reads.windows[reads.windows["window"] == 0][["person", "activities"]]
    first = first.merge(
        reads.meetings[reads.meetings["window"] == 0][["person", "meetings"]],
        on="person",
        how="outer",
    ).fillna(0)
    first["participation"] = first["activities"] + first["meetings"]
    people = reads.enrolments[["person"]].merge(first, on="person", how="left").fillna(0)
    # Follow-up from day 30 (window 1 on): the first day reporting use, the last checked in.
    later = reads.windows[reads.windows["window"] >= 1]
    follow_up = (
        later.groupby("person")
        .agg(first_use_day=("first_use_day", "min"), last_checked_day=("last_checked_day", "max"))
        .reset_index()
    )
    people = people.merge(follow_up, on="person", how="inner")
    people = people.dropna(subset=["last_checked_day"])
    empty: dict[str, Any] = {"curves": [], "logrank": None, "n_people": 0}
    if len(people) < 3 * SMALL_CELL:
        return empty
    used = people["first_use_day"].notna()
    people["event"] = used.astype(int)
    people["time"] = np.where(used, people["first_use_day"], people["last_checked_day"]) - (
        WINDOW_DAYS
    )
    people["time"] = people["time"].astype(float).clip(lower=0)
    ranks = people["participation"].rank(method="first")
    people["tertile"] = pd.qcut(ranks, 3, labels=["low", "middle", "high"]).astype(str)
    curves = []
    for tertile in ("low", "middle", "high"):
        part = people[people["tertile"] == tertile]
        fitter = KaplanMeierFitter().fit(part["time"], part["event"])
        at = fitter.survival_function_at_times(list(SURVIVAL_DAYS)).to_numpy()
        for day, value in zip(SURVIVAL_DAYS, at, strict=True):
            at_risk = int((part["time"] >= day).sum())
            hidden = suppressed(at_risk)
            curves.append(
                {
                    "tertile": tertile,
                    "day": day,
                    "at_risk": None if hidden else at_risk,
                    "survival": None if hidden else round(float(value), 3),
                }
            )
    test = multivariate_logrank_test(people["time"], people["tertile"], people["event"])
    return {
        "curves": curves,
        "logrank": {
            "chi2": round(float(test.test_statistic), 3),
            "df": int(test.degrees_of_freedom),
            "p": float(f"{float(test.p_value):.4g}"),
        },
        "n_people": len(people),
        "tertile_participation": {
            tertile: [
                int(people.loc[people["tertile"] == tertile, "participation"].min()),
                int(people.loc[people["tertile"] == tertile, "participation"].max()),
            ]
            for tertile in ("low", "middle", "high")
        },
    }


NETWORK_INDICES = {
    "abstinent_alcohol": "share of important people who don't drink",
    "abstinent_drugs": "share of important people who don't use drugs",
    "daily": "daily network size",
}


def network_change(reads: Reads, pairs: pd.DataFrame) -> list[dict[str, Any]]:
    """Change between a person's first and last network snapshot (at least 30 days apart), in
    each of three indices (measures.network, version homegroup-2: drinking and drug use kept
    apart), against the share of their windows after the first that were abstinent."""
    rows: list[dict[str, Any]] = []
    snapshots = reads.network.sort_values(["person", "taken_on"])
    if snapshots.empty or pairs.empty:
        return rows
    first = snapshots.drop_duplicates("person", keep="first").set_index("person")
    last = snapshots.drop_duplicates("person", keep="last").set_index("person")
    apart = (last["taken_on"] - first["taken_on"]).dt.days
    people = apart[apart >= WINDOW_DAYS].index
    outcome = pairs[pairs["person"].isin(people)]
    for index, label in NETWORK_INDICES.items():
        change = (last.loc[people, index] - first.loc[people, index]).rename("change")
        direction = pd.Series(
            np.select([change > 0, change < 0], ["more", "fewer"], "same"), index=change.index
        ).rename("direction")
        joined = outcome.merge(direction, left_on="person", right_index=True)
        for level in ("more", "same", "fewer"):
            cell = joined[joined["direction"] == level]
            rows.append(_rate_rows(cell, {"index": index, "label": label, "change": level}))
    return rows


def report(
    reads: Reads, *, as_of: date, counted: int, not_counted: int, pairs: Pairs | None = None
) -> dict[str, Any]:
    """Every number of the page, the command and the JSON download."""
    pairs = pairs if pairs is not None else window_pairs(reads, as_of)
    frame = pairs.frame
    has_pairs = not frame.empty
    fitted = (
        models(frame)
        if has_pairs
        else {
            "terms": {
                name: _empty_term(label, "no windows to analyse")
                for name, (_column, label) in MODEL_TERMS.items()
            },
            "n_windows": 0,
            "n_people": 0,
            "adjusted_for": [],
        }
    )
    curves = survival(reads) if not reads.enrolments.empty else {"curves": [], "logrank": None}
    return {
        "as_of": as_of.isoformat(),
        "caveat": CAVEAT,
        "consent": {"counted": counted, "not_counted": not_counted},
        "n_people": int(frame["person"].nunique()) if has_pairs else 0,
        "n_windows": len(frame),
        "n_excluded_windows": pairs.n_excluded,
        "small_cell": SMALL_CELL,
        "models": fitted["terms"],
        "model_fit": {key: value for key, value in fitted.items() if key != "terms"},
        "dose_response": dose_response(frame) if has_pairs else [],
        "participation": participation(frame) if has_pairs else [],
        "survival": curves["curves"],
        "survival_test": {key: value for key, value in curves.items() if key != "curves"},
        "network": network_change(reads, frame),
    }
