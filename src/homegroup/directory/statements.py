"""What the fellowships themselves have published about members who take medication.

A meeting page of an AA or NA meeting links its fellowship's own statement: facts to help a
person decide, in the fellowship's words — never a claim about the group that meets there (each
AA and NA group is autonomous; the group's own welcome is what the evidence is for). The
summaries are ours, short and neutral; the titles are the publishers'. Fellowships whose charter
welcomes medication (MARA, SMART Recovery, Recovery Dharma) say so in their charter, which the
page already shows as evidence.

The addresses are the publishers' pages as this was written; `tests/directory/
test_fellowship_statements.py` checks that every one is an https address of the fellowship's
own site, and a maintainer should follow them when the sites move.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FellowshipStatement:
    title: str
    publisher: str
    url: str
    summary: Promise | str


STATEMENTS: dict[str, FellowshipStatement] = {
    "AA": FellowshipStatement(
        title="The A.A. Member — Medications and Other Drugs",
        publisher="Alcoholics Anonymous World Services (pamphlet P-11)",
        url="https://www.aa.org/the-aa-member-medications-and-other-drugs",
        summary=_(
            "A.A.'s pamphlet, written with physicians who are members: some members must take "
            "prescribed medication; no member should “play doctor”; medical advice comes from "
            "a doctor, with whom a member is honest about their medication."
        ),
    ),
    "NA": FellowshipStatement(
        title="Narcotics Anonymous and Persons Receiving Medication-Assisted Treatment",
        publisher="Narcotics Anonymous World Services",
        url="https://na.org/wp-content/uploads/2024/01/2306_NA_PRMAT_1021.pdf",
        summary=_(
            "NA's pamphlet for people receiving medication-assisted treatment and those who "
            "refer them: anyone may attend NA meetings; NA describes itself as a program of "
            "complete abstinence, and each group decides how members on medication take part "
            "(for example, in sharing or in service)."
        ),
    ),
}


def statement_for(fellowship_code: str) -> FellowshipStatement | None:
    return STATEMENTS.get(fellowship_code.upper())
