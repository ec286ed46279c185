"""The canonical meeting model and everything around it: sources, import runs, regions,
fellowships, MAT-friendliness evidence and the change history.

A meeting is held on one weekday (0 = Sunday) at a local wall-clock time in an IANA zone. It
round-trips the Meeting Guide and BMLT formats through `importers/` and `exporters/`.

Over 600 lines on purpose: an app's models stay in one module, as Django's migrations read them.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from homegroup.directory.contact_details import mask
from homegroup.directory.importers.canonical import CanonicalMeeting, Contact
from homegroup.lib.times import duration_between

WEEKDAY_CHOICES = [
    (0, _("Sunday")),
    (1, _("Monday")),
    (2, _("Tuesday")),
    (3, _("Wednesday")),
    (4, _("Thursday")),
    (5, _("Friday")),
    (6, _("Saturday")),
]


class Attendance(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    HYBRID = "hybrid", _("In person and online")
    ONLINE = "online", _("Online")
    TEMPORARILY_CLOSED = "temporarily_closed", _("Temporarily closed")
    INACTIVE = "inactive", _("Inactive")


class MatLevel(models.TextChoices):
    """How welcoming a meeting is to people on medication, derived from evidence (ADR 0003)."""

    CONFIRMED_WELCOMING = "confirmed_welcoming", _("Confirmed welcoming")
    REPORTED_WELCOMING = "reported_welcoming", _("Reported welcoming")
    UNKNOWN = "unknown", _("Unknown")
    REPORTED_UNWELCOMING = "reported_unwelcoming", _("Reported unwelcoming")


class TimezoneOrigin(models.TextChoices):
    FEED = "feed", _("given by the feed")
    COORDINATES = "coordinates", _("derived from the coordinates")
    SOURCE_DEFAULT = "source_default", _("the source's default")
    MANUAL = "manual", _("set by a maintainer")


class Fellowship(models.Model):
    """AA, NA, CA, MARA, SMART, Recovery Dharma… Types are codes within a fellowship."""

    code = models.CharField(max_length=16, unique=True, help_text=_("Short code, e.g. 'AA'."))
    name = models.CharField(max_length=120)
    medication_inclusive_charter = models.BooleanField(
        default=False,
        help_text=_(
            "The fellowship's own charter welcomes people on medication (MARA, SMART Recovery, "
            "Recovery Dharma). Counts as evidence for every one of its meetings."
        ),
    )
    charter_reference = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Region(models.Model):
    """A place name in a hierarchy (general → specific), e.g. New York › Queens › Flushing."""

    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_in_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(parent__isnull=True), name="region_unique_root"
            ),
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ContactPolicy(models.TextChoices):
    """What to do with phone numbers and email addresses found in a source's free text (notes),
    which are often a member's own: contact fields are private by default, so are these."""

    HOLD = "hold", _("Hold for review: hidden in public until a maintainer publishes them")
    PUBLISH = "publish", _("Publish as is")


class Source(models.Model):
    """Where meetings come from: a feed, a BMLT server, a file, or this site's own maintainers."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    feed_format = models.CharField(max_length=16, blank=True)
    url = models.URLField(blank=True, max_length=500)
    default_fellowship = models.ForeignKey(
        Fellowship, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    default_timezone = models.CharField(
        max_length=64,
        blank=True,
        help_text=_("Used when neither the feed nor the coordinates give a time zone."),
    )
    code_map = models.JSONField(
        default=dict, blank=True, help_text=_("The source's own codes → canonical type codes.")
    )
    contacts_public = models.BooleanField(
        default=False, help_text=_("The source states that its contact fields may be published.")
    )
    import_map = models.JSONField(
        default=dict,
        blank=True,
        help_text=_(
            "The column and code map of the source's files (import-feed --map), kept so that a "
            "later import without it reads the file the same way."
        ),
    )
    removal_limit = models.PositiveSmallIntegerField(
        default=10,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "An import that would remove more than this percentage of the source's listed "
            "meetings is refused unless removals are allowed for that import (a partial file "
            "must not pass for the whole source)."
        ),
    )
    contact_policy = models.CharField(
        max_length=8,
        choices=ContactPolicy.choices,
        default=ContactPolicy.HOLD,
        help_text=_("Phone numbers and email addresses in the source's notes."),
    )
    refresh_hours = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_(
            "Import the source's URL again every so many hours (homegroup refresh-sources, run "
            "from cron). Empty: only when a maintainer asks."
        ),
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def active(self) -> MeetingQuerySet:
        """Meetings still listed by their source (a removed meeting keeps its row for history)."""
        return self.filter(removed_at__isnull=True)

    def of_source(self, source: Source) -> MeetingQuerySet:
        return self.filter(source=source)

    def held_for_review(self) -> MeetingQuerySet:
        """Meetings whose notes hold phone numbers or email addresses hidden in public."""
        return self.exclude(contact_details_held=[])

    def edited_locally(self) -> MeetingQuerySet:
        """Imported meetings with a maintainer's edits kept over the feed."""
        return self.exclude(local_edits={})


class Meeting(models.Model):
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="meetings")
    source_key = models.CharField(
        max_length=128,
        help_text=_(
            "Identifies the meeting within its source across imports: its id and day (a hash "
            "of the id when the id is long)."
        ),
    )
    feed_id = models.TextField(
        blank=True, help_text=_("The meeting's id at its source, in full, as the feed wrote it.")
    )
    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=300)
    fellowship = models.ForeignKey(Fellowship, on_delete=models.PROTECT, related_name="meetings")
    day = models.PositiveSmallIntegerField(choices=WEEKDAY_CHOICES, help_text=_("0 = Sunday."))
    start_time = models.TimeField(help_text=_("Local wall-clock time in the meeting's zone."))
    end_time = models.TimeField(help_text=_("Before the start time = crosses midnight."))
    timezone = models.CharField(max_length=64, help_text=_("IANA zone, e.g. America/New_York."))
    timezone_origin = models.CharField(max_length=16, choices=TimezoneOrigin.choices)

    location = models.CharField(max_length=300, blank=True, help_text=_("The venue's name."))
    address = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=120, blank=True)
    state = models.CharField(max_length=120, blank=True)
    postal_code = models.CharField(max_length=32, blank=True)
    country = models.CharField(max_length=64, blank=True)
    formatted_address = models.CharField(max_length=500, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    approximate = models.BooleanField(
        default=False, help_text=_("The address is only approximate (e.g. a city for online).")
    )
    location_notes = models.TextField(blank=True)

    conference_url = models.URLField(max_length=500, blank=True)
    conference_url_notes = models.TextField(blank=True)
    conference_phone = models.CharField(max_length=64, blank=True)
    conference_phone_notes = models.TextField(blank=True)
    attendance = models.CharField(max_length=20, choices=Attendance.choices)
    attendance_reason = models.CharField(
        max_length=200, help_text=_("Which rule decided the attendance mode, kept with it.")
    )

    type_codes = models.CharField(
        max_length=500,
        blank=True,
        help_text=_("Type codes of the fellowship as ',C,O,ONL,' so 'all of' filters stay SQL."),
    )
    unknown_codes = models.JSONField(default=list, blank=True)
    group = models.CharField(max_length=300, blank=True)
    group_notes = models.TextField(blank=True)
    district = models.CharField(max_length=200, blank=True)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    notes = models.TextField(blank=True)
    contacts = models.JSONField(
        default=list, blank=True, help_text=_("[{name, email, phone, public}]; private by default.")
    )
    venmo = models.CharField(max_length=100, blank=True)
    square = models.CharField(max_length=100, blank=True)
    paypal = models.CharField(max_length=200, blank=True)
    entity = models.CharField(max_length=200, blank=True)
    entity_email = models.EmailField(blank=True)
    entity_phone = models.CharField(max_length=64, blank=True)
    entity_location = models.CharField(max_length=200, blank=True)
    entity_url = models.URLField(max_length=500, blank=True)
    entity_logo = models.URLField(max_length=500, blank=True)
    url = models.URLField(
        max_length=500, blank=True, help_text=_("The meeting's page at its source.")
    )
    source_updated = models.DateTimeField(null=True, blank=True)

    mat_level = models.CharField(
        max_length=24,
        choices=MatLevel.choices,
        default=MatLevel.UNKNOWN,
        help_text=_("Derived from the evidence records by directory.mat; stored for search."),
    )
    fingerprint = models.CharField(
        max_length=64,
        help_text=_("Hash of the imported content: an unchanged record writes nothing."),
    )
    first_seen_at = models.DateTimeField()
    last_changed_at = models.DateTimeField()
    last_verified_at = models.DateTimeField(
        help_text=_("When a source or a maintainer last confirmed the meeting.")
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    contact_details_held = models.JSONField(
        default=list,
        blank=True,
        help_text=_(
            "Phone numbers and email addresses found in the notes and hidden in public until a "
            "maintainer publishes them (the source's contact policy)."
        ),
    )
    contact_details_published = models.JSONField(
        _("phone numbers and email addresses published from the notes"),
        default=list,
        blank=True,
        help_text=_("Phone numbers and email addresses in the notes a maintainer published."),
    )
    local_edits = models.JSONField(
        default=dict,
        blank=True,
        help_text=_(
            "A maintainer's edits of an imported meeting, {field: {feed, local}}: each is kept "
            "over the feed's value until the feed itself changes that field."
        ),
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["day", "start_time", "name"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_key"], name="meeting_source_key"),
            models.CheckConstraint(condition=models.Q(day__lte=6), name="meeting_day_0_6"),
        ]
        indexes = [
            # Covers every column search.narrowed() reads, so the narrowing step answers from
            # the index alone (docs/benchmarks.md: SQLite p95 14 -> 9 ms at 100k meetings).
            models.Index(
                fields=[
                    "day",
                    "latitude",
                    "longitude",
                    "removed_at",
                    "attendance",
                    "type_codes",
                    "start_time",
                    "end_time",
                    "timezone",
                    "mat_level",
                    "fellowship",
                ],
                name="meeting_day_geo_search",
            ),
            models.Index(fields=["latitude", "longitude"], name="meeting_geo"),
            models.Index(fields=["attendance"], name="meeting_attendance"),
            models.Index(fields=["mat_level"], name="meeting_mat_level"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def types(self) -> list[str]:
        return [code for code in self.type_codes.split(",") if code]

    def public_text(self, field: str) -> str:
        """A free-text field as the public sees it: phone numbers and email addresses held for
        review (the source's contact policy) replaced by words saying so."""
        return mask_held(getattr(self, field), self.contact_details_held)

    @staticmethod
    def join_types(codes: Any) -> str:
        ordered = sorted({str(code) for code in codes if code})
        return f",{','.join(ordered)}," if ordered else ""


class RunState(models.TextChoices):
    QUEUED = "queued", _("waiting to start")
    RUNNING = "running", _("fetching and importing")
    FINISHED = "finished", _("finished")
    FAILED = "failed", _("failed, nothing changed")


class ImportRunQuerySet(models.QuerySet["ImportRun"]):
    def in_progress(self) -> ImportRunQuerySet:
        return self.filter(state__in=[RunState.QUEUED, RunState.RUNNING])


class ImportRun(models.Model):
    """One run of `homegroup import-feed` (or of an import started from the source's page):
    what it read, what it changed, what it skipped."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="runs")
    state = models.CharField(max_length=8, choices=RunState.choices, default=RunState.FINISHED)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    dry_run = models.BooleanField(default=False)
    allow_removals = models.BooleanField(
        default=False,
        help_text=_("The maintainer accepted that this import removes more than the limit."),
    )
    skip_unreadable = models.BooleanField(
        default=False, help_text=_("The maintainer chose to import the readable rows only.")
    )
    refusal = models.CharField(
        max_length=16,
        blank=True,
        help_text=_(
            "What refused the run, when a maintainer may accept it deliberately: 'removals' "
            "or 'unreadable'."
        ),
    )
    feed_format = models.CharField(max_length=16)
    files = models.JSONField(default=list, help_text=_("Names of the files or URLs read."))
    records = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    problems = models.JSONField(
        default=list, help_text=_("[{position, slug, field, severity, reason, message, skipped}]")
    )
    diff = models.JSONField(
        default=dict, help_text=_("{created: [slug], updated: {slug: [field]}, removed: [slug]}")
    )
    timezones = models.JSONField(
        default=dict, help_text=_("How each meeting got its time zone: {origin: [slug, ...]}.")
    )
    error = models.TextField(blank=True, help_text=_("Why a run that changed nothing failed."))
    unknown_codes = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Type codes the run could not recognise, kept on the meetings: {code: count}."),
    )
    without_coordinates = models.JSONField(
        default=list,
        blank=True,
        help_text=_(
            "Meetings to attend in person that have no coordinates: no search near a place "
            "finds them until a maintainer places their pin."
        ),
    )

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.source} run {self.pk}"


class EvidenceKind(models.TextChoices):
    PUBLISHER_STATEMENT = "publisher_statement", _("the group's or publisher's own statement")
    SOURCE_NOTES = "source_notes", _("wording in the listing's notes")
    MEMBER_REPORT = "member_report", _("a report from a person in recovery")
    CLINICIAN_REPORT = "clinician_report", _("a report from a clinician")
    MAINTAINER = "maintainer", _("a directory maintainer's check")


class Stance(models.TextChoices):
    WELCOMING = "welcoming", _("welcoming to people on medication")
    UNWELCOMING = "unwelcoming", _("not welcoming to people on medication")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("waiting for review")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class MatEvidenceQuerySet(models.QuerySet["MatEvidence"]):
    def counted(self) -> MatEvidenceQuerySet:
        """Evidence that counts: imported facts, and reports a maintainer accepted."""
        return self.filter(review_status=ReviewStatus.ACCEPTED)

    def awaiting_review(self) -> MatEvidenceQuerySet:
        return self.filter(review_status=ReviewStatus.PENDING)


class MatEvidence(models.Model):
    """One piece of evidence about a meeting's welcome for people on medication.

    The fellowship's charter is evidence too, kept on `Fellowship.medication_inclusive_charter`.
    A report keeps only an opaque `reporter_key` (one person counts once per meeting), never a
    link to the reporter's account or journal.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="mat_evidence")
    kind = models.CharField(max_length=24, choices=EvidenceKind.choices)
    stance = models.CharField(max_length=16, choices=Stance.choices)
    summary = models.CharField(
        max_length=300, help_text=_("What was said, in words safe to show on the meeting page.")
    )
    observed_at = models.DateTimeField(help_text=_("When it was said or experienced."))
    recorded_at = models.DateTimeField()
    import_run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_(
            "The feed this evidence was read from (a MOUD code, the notes' wording). Each import "
            "re-syncs it: evidence the source dropped is removed. Empty for reports and checks."
        ),
    )
    reporter_key = models.CharField(
        max_length=64,
        blank=True,
        help_text=_("HMAC of the reporter and the meeting: one person counts once, anonymously."),
    )
    reporter_note = models.CharField(
        max_length=500,
        blank=True,
        default="",
        help_text=_(
            "A report's optional note, for the maintainers who review it: never published."
        ),
    )
    review_status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.ACCEPTED
    )
    reviewed_by_id = models.BigIntegerField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = MatEvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["-observed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "reporter_key"],
                condition=~models.Q(reporter_key=""),
                name="mat_evidence_one_report_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.stance}"


class MeetingChange(models.Model):
    """The history of a meeting: who (or which import run) changed which fields, old → new."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    import_run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    change = models.CharField(max_length=16, help_text=_("created, updated, removed, restored."))
    fields = models.JSONField(default=dict, help_text=_("{field: [old, new]}"))

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.change}"


def mask_held(text: str, held: list[str]) -> str:
    """``text`` with the held phone numbers and email addresses hidden, for every public output
    (the meeting page, the Meeting Guide feed, iCalendar)."""
    if not held or not text:
        return text
    return mask(
        text,
        held,
        phone=gettext("[phone number hidden]"),
        email=gettext("[email address hidden]"),
    )


def region_path(region: Region | None) -> tuple[str, ...]:
    """General → specific names; parents already selected cost no query."""
    names: list[str] = []
    while region is not None:
        names.append(region.name)
        region = region.parent
    return tuple(reversed(names))


def canonical_from_meeting(meeting: Meeting) -> CanonicalMeeting:
    """A stored meeting back in the canonical shape, so an edit keeps what the form lacks.

    ``source_id`` is the source's own id, so the edited meeting is still the one its source
    updates on the next import.
    """
    return CanonicalMeeting(
        source_id=meeting.feed_id,
        slug=meeting.slug,
        name=meeting.name,
        day=meeting.day,
        start=meeting.start_time,
        end=meeting.end_time,
        duration=duration_between(start=meeting.start_time, end=meeting.end_time),
        fellowship=meeting.fellowship.code,
        attendance=meeting.attendance,  # type: ignore[arg-type]
        attendance_reason=meeting.attendance_reason,
        timezone=meeting.timezone,
        location=meeting.location,
        address=meeting.address,
        city=meeting.city,
        state=meeting.state,
        postal_code=meeting.postal_code,
        country=meeting.country,
        formatted_address=meeting.formatted_address,
        latitude=meeting.latitude,
        longitude=meeting.longitude,
        approximate=meeting.approximate,
        conference_url=meeting.conference_url,
        conference_url_notes=meeting.conference_url_notes,
        conference_phone=meeting.conference_phone,
        conference_phone_notes=meeting.conference_phone_notes,
        types=tuple(meeting.types),
        unknown_codes=tuple(meeting.unknown_codes),
        group=meeting.group,
        group_notes=meeting.group_notes,
        district=meeting.district,
        regions=region_path(meeting.region),
        notes=meeting.notes,
        location_notes=meeting.location_notes,
        contacts=tuple(
            Contact(
                name=contact.get("name", ""),
                email=contact.get("email", ""),
                phone=contact.get("phone", ""),
                public=bool(contact.get("public", False)),
            )
            for contact in meeting.contacts
        ),
        venmo=meeting.venmo,
        square=meeting.square,
        paypal=meeting.paypal,
        entity=meeting.entity,
        entity_email=meeting.entity_email,
        entity_phone=meeting.entity_phone,
        entity_location=meeting.entity_location,
        entity_url=meeting.entity_url,
        entity_logo=meeting.entity_logo,
        updated=meeting.source_updated,
        url=meeting.url,
    )


class DirectoryVersion(models.Model):
    """The directory's version: one row, changed by `directory.version.bump` in the same
    transaction as every change to what a search finds (meetings listed, edited, removed or
    restored; MAT levels). A process's search index is current while its token is this one."""

    number = models.PositiveBigIntegerField(
        default=0, help_text=_("Counts the changes; for people and HTTP caching, not for identity.")
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    token = models.CharField(
        max_length=32,
        help_text=_(
            "Random, new at every change: a number alone can come back after a rollback, with "
            "other data behind it."
        ),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="directory_version_one_row")
        ]

    def __str__(self) -> str:
        return f"directory version {self.number}"
