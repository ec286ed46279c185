"""Every instrument by id and version, and one entry point to validate and score answers.

Each version an instrument has ever had stays here, so a stored answer is always shown in the
words it was given to, and can be rescored to a newer version (`homegroup rescore-measures`).
The network inventory (`measures.network`) is stored as snapshots, not answers to a form: it has
its own `network.score`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from homegroup.measures import aai, bam
from homegroup.measures.base import Answers, Instrument


@dataclass(frozen=True, slots=True)
class Scored:
    """What the asking app stores: the cleaned answers and the scores, both JSON-ready."""

    instrument: Instrument
    answers: Answers
    scores: dict[str, Any]


INSTRUMENTS: dict[tuple[str, str], Instrument] = {
    **{(bam.ID, version): chosen for version, chosen in bam.VERSIONS.items()},
    (aai.ID, aai.VERSION): aai.INSTRUMENT,
}
CURRENT: dict[str, str] = {bam.ID: bam.VERSION, aai.ID: aai.VERSION}


def instrument(instrument_id: str, version: str | None = None) -> Instrument:
    """The instrument; its current version when none is named. KeyError when unknown."""
    return INSTRUMENTS[(instrument_id, version or CURRENT[instrument_id])]


def score(instrument_id: str, raw: Mapping[str, object], version: str | None = None) -> Scored:
    """Validate and score answers to an instrument; raises AnswersInvalid or KeyError."""
    chosen = instrument(instrument_id, version)
    if chosen.id == bam.ID:
        return Scored(
            chosen, bam.validate(raw, chosen.version), bam.score(raw, chosen.version).as_json()
        )
    if chosen.id == aai.ID:
        return Scored(chosen, aai.validate(raw), aai.score(raw).as_json())
    raise KeyError(instrument_id)


def versions(instrument_id: str) -> list[str]:
    """Every version of an instrument this code knows, oldest first (empty when unknown)."""
    return [version for (known, version) in INSTRUMENTS if known == instrument_id]
