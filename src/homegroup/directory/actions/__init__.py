"""Every write to the directory, by what it does (keyword-only, audited):

- `meetings` — `save_meeting` (create or update, with history) and `remove_meeting`, the one
  path of an import and a hand edit alike, from `CanonicalMeeting` values;
- `sources` — a source's settings and the contact details a maintainer publishes;
- `importing` — `import_feed`: parse, check, refuse or keep one run; `applying` — the run's diff;
- `mat_evidence` — MAT reports, their review, statements and the levels they give;
- `maintainers` — meetings created, edited, removed and restored by hand;
- `synthetic` — a synthetic directory stored in batches (benchmarks, demos).

Callers use `from homegroup.directory import actions` and the names below.
"""

from homegroup.directory.actions.applying import feed_evidence
from homegroup.directory.actions.importing import (
    MAX_FEED_BYTES,
    REFUSED_REMOVALS,
    ImportFailed,
    fail_run,
    import_feed,
)
from homegroup.directory.actions.maintainers import (
    LOCAL_SOURCE,
    create_meeting_by_maintainer,
    remove_meeting_by_maintainer,
    restore_meeting_by_maintainer,
    update_meeting_by_maintainer,
)
from homegroup.directory.actions.mat_evidence import (
    REPORT_KINDS,
    add_mat_evidence,
    refresh_mat_level,
    report_mat_experience,
    reporter_key,
    review_mat_report,
    withdraw_mat_evidence,
)
from homegroup.directory.actions.meetings import (
    Saved,
    contact_details_of,
    ensure_fellowship,
    ensure_region_path,
    ensure_source,
    fingerprint,
    held_for,
    remove_meeting,
    save_meeting,
    source_key_for,
)
from homegroup.directory.actions.sources import (
    configure_source,
    create_source,
    publish_contact_details,
)
from homegroup.directory.actions.synthetic import SYNTHETIC_FORMAT, bulk_create_synthetic

__all__ = [
    "LOCAL_SOURCE",
    "MAX_FEED_BYTES",
    "REFUSED_REMOVALS",
    "REPORT_KINDS",
    "SYNTHETIC_FORMAT",
    "ImportFailed",
    "Saved",
    "add_mat_evidence",
    "bulk_create_synthetic",
    "configure_source",
    "contact_details_of",
    "create_meeting_by_maintainer",
    "create_source",
    "ensure_fellowship",
    "ensure_region_path",
    "ensure_source",
    "fail_run",
    "feed_evidence",
    "fingerprint",
    "held_for",
    "import_feed",
    "publish_contact_details",
    "refresh_mat_level",
    "remove_meeting",
    "remove_meeting_by_maintainer",
    "report_mat_experience",
    "reporter_key",
    "restore_meeting_by_maintainer",
    "review_mat_report",
    "save_meeting",
    "source_key_for",
    "update_meeting_by_maintainer",
    "withdraw_mat_evidence",
]
