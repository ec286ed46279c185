"""A person's own recovery journal: profile, medication plan, daily check-ins, 12-step life,
support network and measures.

Every model here holds one person's record: its QuerySet extends
`privacy.access.PersonRecordQuerySet`, so views read through `visible_to(user)` and another
person's object is simply not found (404); anyone else reads it only through the disclosure
gate (`Model.objects.disclosed`). Free text in the person's own words is an `EncryptedTextField`.
Writes go through `journal.actions`; derived numbers come from `journal.recovery` and
`homegroup.measures` (pure functions).

A day without a check-in is *unknown*, never assumed to be a day without use.

Over 600 lines on purpose: an app's models stay in one module, as Django's migrations read them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone as django_timezone
from django.utils.translation import gettext_lazy as _

from homegroup.directory.models import Meeting
from homegroup.encryption.fields import EncryptedTextField
from homegroup.journal.recovery import Scope, Substance, today_in
from homegroup.lib.weekdays import DAY_NAMES
from homegroup.measures import network
from homegroup.privacy.access import PersonRecordQuerySet
from homegroup.privacy.categories import Category

# A newcomer's zone until they choose theirs on the settings page. The crisis lines and most
# sample meetings are in the US; "today" is asked again in the check-in form's date anyway.
DEFAULT_TIMEZONE = "America/New_York"
SHORT_NAME_MAX = 20


class CountScope(models.TextChoices):
    ALL = Scope.ALL.value, _("All substances (alcohol and drugs)")
    OPIOIDS = Scope.OPIOIDS.value, _("Opioids only")
    ALCOHOL = Scope.ALCOHOL.value, _("Alcohol only")


class JournalProfileQuerySet(PersonRecordQuerySet["JournalProfile"]):
    category = Category.RECOVERY_TIME.value

    def for_person(self, person: Any) -> JournalProfile:
        """The person's profile, or an unsaved one with the defaults: reading never writes."""
        return self.filter(person=person).first() or JournalProfile(person=person)


class JournalProfile(models.Model):
    """The person's settings for their journal: their zone, recovery date, what counts."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_profile"
    )
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default=DEFAULT_TIMEZONE,
        help_text=_("IANA zone, e.g. America/Chicago. 'Today' and every date follow it."),
    )
    recovery_date = models.DateField(
        _("recovery date"),
        null=True,
        blank=True,
        help_text=_(
            "The first day of the person's current recovery, from before they joined if they "
            "like. Medication taken as prescribed never moves it."
        ),
    )
    count_scope = models.CharField(
        _("my recovery time counts"),
        max_length=16,
        choices=CountScope.choices,
        default=CountScope.ALL,
        help_text=_("Which reported use restarts the count."),
    )
    discreet_mode = models.BooleanField(
        _("discreet mode"),
        default=False,
        help_text=_("Neutral page titles and icon on a shared phone (used by the safety pages)."),
    )
    pin_hash = models.CharField(
        _("PIN (hashed)"),
        max_length=128,
        blank=True,
        default="",
        help_text=_(
            "Empty: no PIN. A 4-8 digit PIN, hashed like a password, that locks the journal on a "
            "device after pin_idle_minutes without activity; separate from the password."
        ),
    )
    pin_idle_minutes = models.PositiveSmallIntegerField(
        _("lock after (minutes)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
    )
    reminder_time = models.TimeField(
        _("daily reminder at"),
        null=True,
        blank=True,
        help_text=_(
            "Local time in the profile's zone for an email reminder to check in (only a link); "
            "empty: no reminder. Sent by `homegroup send-reminders` (cron)."
        ),
    )
    reminder_last_sent = models.DateField(
        null=True, blank=True, help_text=_("The person's local date of the last reminder sent.")
    )
    created_at = models.DateTimeField(default=django_timezone.now)
    updated_at = models.DateTimeField(default=django_timezone.now)

    objects = JournalProfileQuerySet.as_manager()

    def __str__(self) -> str:
        return f"journal profile {self.pk}"

    def today(self, now: datetime | None = None) -> date:
        return today_in(self.timezone, now or django_timezone.now())


class Medication(models.TextChoices):
    METHADONE = "methadone", _("Methadone")
    BUPRENORPHINE = "buprenorphine", _("Buprenorphine")
    NALTREXONE = "naltrexone", _("Naltrexone")
    OTHER = "other", _("Other")


class DoseUnit(models.TextChoices):
    MG = "mg", _("mg")
    ML = "mL", _("mL")
    TABLET = "tablet", _("tablet(s)")
    FILM = "film", _("film(s)")
    INJECTION = "injection", _("injection")


class ScheduleKind(models.TextChoices):
    DAILY = "daily", _("Every day")
    WEEKDAYS = "weekdays", _("On certain days of the week")


class MedicationPlanQuerySet(PersonRecordQuerySet["MedicationPlan"]):
    category = Category.MEDICATION.value

    def active_on(self, day: date) -> MedicationPlanQuerySet:
        """Plans in effect that day (a plan that ended keeps its history for adherence)."""
        return self.filter(active_from__lte=day).filter(
            models.Q(active_to__isnull=True) | models.Q(active_to__gte=day)
        )


class MedicationPlan(models.Model):
    """One medication the person takes, as prescribed to them."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="medication_plans"
    )
    medication = models.CharField(_("medication"), max_length=16, choices=Medication.choices)
    other_name = EncryptedTextField(
        _("name of the medication"),
        blank=True,
        default="",
        help_text=_("Only for 'Other'."),
        bound_to=("person_id", "created_at"),
    )
    prescriber = EncryptedTextField(
        _("clinic or prescriber"),
        blank=True,
        default="",
        help_text=_("Optional. Encrypted; shown only to the person."),
        bound_to=("person_id", "created_at"),
    )
    dose = models.DecimalField(
        _("dose"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    dose_unit = models.CharField(
        _("unit"), max_length=16, choices=DoseUnit.choices, default=DoseUnit.MG
    )
    schedule = models.CharField(
        _("schedule"), max_length=16, choices=ScheduleKind.choices, default=ScheduleKind.DAILY
    )
    weekdays = models.JSONField(
        _("days of the week"),
        default=list,
        blank=True,
        help_text=_("For 'certain days': 0 = Sunday … 6 = Saturday. Ignored for every day."),
    )
    active_from = models.DateField(_("taking it since"))
    active_to = models.DateField(
        _("stopped on"), null=True, blank=True, help_text=_("Empty while the person takes it.")
    )
    created_at = models.DateTimeField(default=django_timezone.now)
    updated_at = models.DateTimeField(default=django_timezone.now)

    objects = MedicationPlanQuerySet.as_manager()

    class Meta:
        ordering = ["active_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(active_to__isnull=True)
                | models.Q(active_to__gte=models.F("active_from")),
                name="medication_plan_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.medication == Medication.OTHER and self.other_name:
            return str(self.other_name)
        return str(self.get_medication_display())

    @property
    def schedule_label(self) -> str:
        if self.schedule == ScheduleKind.DAILY:
            return str(_("every day"))
        return ", ".join(str(_(DAY_NAMES[int(day)])) for day in sorted(self.weekdays))

    @property
    def due_weekdays(self) -> frozenset[int]:
        if self.schedule == ScheduleKind.DAILY:
            return frozenset(range(7))
        return frozenset(int(day) for day in self.weekdays)


class UseStatus(models.TextChoices):
    NONE = "none", _("No use")
    USED = "used", _("I used")


class Mood(models.IntegerChoices):
    VERY_LOW = 1, _("Very low")
    LOW = 2, _("Low")
    OKAY = 3, _("Okay")
    GOOD = 4, _("Good")
    VERY_GOOD = 5, _("Very good")


SUBSTANCE_CHOICES = [
    (Substance.ALCOHOL.value, _("Alcohol")),
    (Substance.OPIOIDS.value, _("Opioids (heroin, fentanyl, pain pills)")),
    (Substance.CANNABIS.value, _("Cannabis")),
    (Substance.SEDATIVES.value, _("Sedatives or benzos")),
    (Substance.COCAINE.value, _("Cocaine or crack")),
    (Substance.STIMULANTS.value, _("Meth or other stimulants")),
    (Substance.INHALANTS.value, _("Inhalants")),
    (Substance.OTHER.value, _("Something else")),
]


class CheckInQuerySet(PersonRecordQuerySet["CheckIn"]):
    # The row's own category; some of its fields belong to others (CheckIn.FIELD_CATEGORIES):
    # whoever shows a disclosed check-in must leave out the fields whose category is not allowed.
    category = Category.CHECK_INS.value

    def between(self, start: date, end: date) -> CheckInQuerySet:
        return self.filter(date__gte=start, date__lte=end)

    def use_answered(self) -> CheckInQuerySet:
        """Days whose use question was answered: the only days recovery time treats as known."""
        return self.exclude(use_status="")


class CheckIn(models.Model):
    """One person's day, in their own time zone. At most one per person per date."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="check_ins"
    )
    date = models.DateField(_("day"), help_text=_("The person's local date."))
    retrospective = models.BooleanField(
        _("filled in afterwards"),
        default=False,
        help_text=_(
            "First recorded after the day had ended (Timeline Followback-style catch-up). "
            "Same-day diaries are the more reliable record."
        ),
    )
    # 12-step activities of the day.
    service = models.BooleanField(_("service"), default=False)
    talked_with_sponsor = models.BooleanField(_("talked with my sponsor"), default=False)
    sponsored_someone = models.BooleanField(_("sponsored someone"), default=False)
    step_work = models.BooleanField(_("step work"), default=False)
    step_worked = models.PositiveSmallIntegerField(
        _("which step"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    literature = models.BooleanField(_("read literature"), default=False)
    shared = models.BooleanField(_("shared or spoke at a meeting"), default=False)
    helped_member = models.BooleanField(_("helped another member"), default=False)
    fellowship_time = models.BooleanField(_("fellowship time"), default=False)
    # Use. Empty = not answered: the day is unknown for recovery time.
    use_status = models.CharField(
        _("use"),
        max_length=8,
        choices=UseStatus.choices,
        blank=True,
        default="",
        help_text=_(
            "Empty when not answered: the day then counts as unknown, never as a day without use."
        ),
    )
    substances = models.JSONField(
        _("what I used"),
        default=list,
        blank=True,
        help_text=_("Substance codes (journal.recovery.Substance), only when use is 'used'."),
    )
    drinks = models.PositiveSmallIntegerField(_("drinks"), null=True, blank=True)
    misused_medication = models.CharField(
        _("a prescribed medication taken other than prescribed"),
        max_length=16,
        choices=Medication.choices,
        blank=True,
        default="",
        help_text=_(
            "Counts as use, except naltrexone (no misuse potential). Medication taken as "
            "prescribed never does."
        ),
    )
    craving = models.PositiveSmallIntegerField(
        _("craving"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text=_("0 (none) to 10 (the strongest)."),
    )
    mood = models.PositiveSmallIntegerField(_("mood"), null=True, blank=True, choices=Mood.choices)
    note = EncryptedTextField(
        _("private note"), blank=True, default="", bound_to=("person_id", "date")
    )
    recorded_at = models.DateTimeField(help_text=_("When the day was first recorded (UTC)."))
    updated_at = models.DateTimeField()

    objects = CheckInQuerySet.as_manager()

    # Fields whose data category is not the row's (check-ins): for disclosures to others.
    FIELD_CATEGORIES: ClassVar[dict[str, str]] = {
        **{
            name: Category.MEETINGS_AND_ACTIVITIES.value
            for name in (
                "service",
                "talked_with_sponsor",
                "sponsored_someone",
                "step_work",
                "step_worked",
                "literature",
                "shared",
                "helped_member",
                "fellowship_time",
            )
        },
        **{
            name: Category.SUBSTANCE_USE.value
            for name in ("use_status", "substances", "drinks", "misused_medication")
        },
        "note": Category.PRIVATE_NOTES.value,
    }

    class Meta:
        ordering = ["-date"]
        indexes = [
            # The days with reported use alone: "days since the last use" on a clinician's
            # caseload reads them for every person at once (care.caseload).
            models.Index(
                fields=["person", "date"],
                condition=models.Q(use_status="used"),
                name="check_in_use_days",
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["person", "date"], name="one_check_in_per_day"),
            models.CheckConstraint(
                condition=models.Q(craving__isnull=True) | models.Q(craving__lte=10),
                name="check_in_craving_0_10",
            ),
            models.CheckConstraint(
                condition=models.Q(step_worked__isnull=True)
                | models.Q(step_worked__gte=1, step_worked__lte=12),
                name="check_in_step_1_12",
            ),
        ]

    def __str__(self) -> str:
        return f"check-in {self.pk}"


class MeetingAttendance(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")


class CheckInMeetingQuerySet(PersonRecordQuerySet["CheckInMeeting"]):
    category = Category.MEETINGS_AND_ACTIVITIES.value
    person_field = "check_in__person"


class CheckInMeeting(models.Model):
    """A meeting attended that day: one from the directory, or one the person typed in."""

    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="meetings")
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The directory's meeting, if it came from there."),
    )
    name = EncryptedTextField(
        _("meeting name"),
        blank=True,
        default="",
        help_text=_("Typed in by the person, for a meeting not in the directory."),
        bound_to=("check_in.person_id", "check_in.date"),
    )
    attendance = models.CharField(
        _("attended"),
        max_length=16,
        choices=MeetingAttendance.choices,
        default=MeetingAttendance.IN_PERSON,
    )

    objects = CheckInMeetingQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"meeting attended {self.pk}"


class CheckInDoseQuerySet(PersonRecordQuerySet["CheckInDose"]):
    category = Category.MEDICATION.value
    person_field = "check_in__person"


class CheckInDose(models.Model):
    """What happened with one planned medication that day. No row = not answered (unknown)."""

    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="doses")
    plan = models.ForeignKey(MedicationPlan, on_delete=models.CASCADE, related_name="doses")
    status = models.CharField(
        _("medication"),
        max_length=16,
        choices=[
            ("taken", _("Taken as prescribed")),
            ("missed", _("Missed")),
            ("different_dose", _("Took a different dose")),
        ],
    )
    dose_taken = models.DecimalField(
        _("dose taken"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Only when the dose differed from the plan."),
    )

    objects = CheckInDoseQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["check_in", "plan"], name="one_dose_report_per_plan")
        ]

    def __str__(self) -> str:
        return f"dose report {self.pk}"


class SponsorStatus(models.TextChoices):
    NONE = "none", _("No sponsor right now")
    TEMPORARY = "temporary", _("A temporary sponsor")
    PERMANENT = "permanent", _("A sponsor")


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Don't know")


class TwelveStepLifeQuerySet(PersonRecordQuerySet["TwelveStepLife"]):
    category = Category.MEETINGS_AND_ACTIVITIES.value

    def for_person(self, person: Any) -> TwelveStepLife:
        """The person's 12-step life, or an unsaved empty one (no usual meetings yet)."""
        found = self.filter(person=person).select_related("home_group").first()
        return found or TwelveStepLife(person=person)


class TwelveStepLife(models.Model):
    """Home group, usual meetings, sponsor and steps: what stays true from day to day."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="twelve_step_life"
    )
    home_group = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    usual_meetings = models.ManyToManyField(Meeting, blank=True, related_name="+")
    sponsor_status = models.CharField(
        _("sponsor"), max_length=16, choices=SponsorStatus.choices, default=SponsorStatus.NONE
    )
    sponsor_name = EncryptedTextField(
        _("sponsor's first name or initials"),
        blank=True,
        default="",
        help_text=_(
            "A first name or initials only (at most 20 characters), never contact details."
        ),
        bound_to=("person_id",),
    )
    sponsor_supports_medication = models.CharField(
        _("my sponsor supports my medication"),
        max_length=8,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )
    steps_worked = models.JSONField(
        _("steps worked"), default=list, blank=True, help_text=_("Step numbers 1-12, sorted.")
    )
    updated_at = models.DateTimeField(default=django_timezone.now)

    objects = TwelveStepLifeQuerySet.as_manager()

    def __str__(self) -> str:
        return f"12-step life {self.pk}"


class ServiceRole(models.TextChoices):
    GREETER = "greeter", _("Greeter")
    SETUP = "setup", _("Coffee or set-up")
    LITERATURE = "literature", _("Literature")
    SECRETARY = "secretary", _("Secretary")
    TREASURER = "treasurer", _("Treasurer")
    CHAIR = "chair", _("Chair or leader")
    GSR = "gsr", _("Group service representative")
    INTERGROUP = "intergroup", _("Intergroup or area service")
    HELPLINE = "helpline", _("Helpline or outreach")
    OTHER = "other", _("Other service")


class ServiceCommitmentQuerySet(PersonRecordQuerySet["ServiceCommitment"]):
    category = Category.MEETINGS_AND_ACTIVITIES.value

    def current_on(self, day: date) -> ServiceCommitmentQuerySet:
        return self.filter(started_on__lte=day).filter(
            models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=day)
        )


class ServiceCommitment(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="service_commitments"
    )
    role = models.CharField(_("role"), max_length=16, choices=ServiceRole.choices)
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    meeting_name = EncryptedTextField(
        _("group or meeting"),
        blank=True,
        default="",
        help_text=_("When it is not a directory meeting."),
        bound_to=("person_id", "created_at"),
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)
    created_at = models.DateTimeField(default=django_timezone.now)

    objects = ServiceCommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "id"]

    def __str__(self) -> str:
        return f"service commitment {self.pk}"


class NetworkMemberQuerySet(PersonRecordQuerySet["NetworkMember"]):
    category = Category.NETWORK.value


def _codes(choices: Any) -> list[tuple[int, Any]]:
    return [(choice.value, _(choice.label)) for choice in choices]


class NetworkMember(models.Model):
    """One of up to 12 important people (Important People instrument; measures.network)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_members"
    )
    name = EncryptedTextField(
        _("first name or nickname"),
        help_text=_("Just enough for you to recognise them (at most 20 characters)."),
        bound_to=("person_id", "created_at"),
    )
    relationship = models.CharField(
        _("who they are to you"),
        max_length=16,
        choices=[(key, _(label)) for key, label in network.RELATIONSHIPS],
    )
    contact = models.PositiveSmallIntegerField(
        _("how often you are in contact"), choices=_codes(network.CONTACT)
    )
    importance = models.PositiveSmallIntegerField(
        _("how important they are to you"), choices=_codes(network.IMPORTANCE)
    )
    drinking_status = models.PositiveSmallIntegerField(
        _("their drinking"), choices=_codes(network.STATUS), default=0
    )
    drinking_frequency = models.PositiveSmallIntegerField(
        _("how often they drink"), choices=_codes(network.FREQUENCY), default=0
    )
    drug_status = models.PositiveSmallIntegerField(
        _("their drug use"), choices=_codes(network.STATUS), default=0
    )
    drug_frequency = models.PositiveSmallIntegerField(
        _("how often they use drugs"), choices=_codes(network.FREQUENCY), default=0
    )
    reaction_to_drinking = models.PositiveSmallIntegerField(
        _("how they reacted to your drinking"), choices=_codes(network.REACTION), default=0
    )
    reaction_to_drug_use = models.PositiveSmallIntegerField(
        _("how they reacted to your drug use"), choices=_codes(network.REACTION), default=0
    )
    recovery_support = models.PositiveSmallIntegerField(
        _("how they feel about your recovery and treatment"),
        choices=_codes(network.RECOVERY_SUPPORT),
        default=0,
    )
    in_fellowship = models.BooleanField(
        _("in a 12-step or other mutual-help fellowship"), default=False
    )
    is_sponsor = models.BooleanField(_("my sponsor"), default=False)
    supports_medication = models.CharField(
        _("supportive of my medication"),
        max_length=8,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )
    created_at = models.DateTimeField(default=django_timezone.now)
    updated_at = models.DateTimeField(default=django_timezone.now)

    objects = NetworkMemberQuerySet.as_manager()

    class Meta:
        ordering = ["-importance", "id"]

    def __str__(self) -> str:
        return f"network member {self.pk}"


class NetworkSnapshotQuerySet(PersonRecordQuerySet["NetworkSnapshot"]):
    category = Category.NETWORK.value

    def before(self, day: date) -> NetworkSnapshotQuerySet:
        return self.filter(taken_on__lt=day)


class NetworkSnapshot(models.Model):
    """The network's indices frozen on the day the person last changed it (one per day), so
    the page can say how the network changed since last time."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_snapshots"
    )
    taken_on = models.DateField(help_text=_("The person's local date."))
    indices = models.JSONField(help_text=_("measures.network.NetworkIndices.as_json()"))
    answers = models.JSONField(
        null=True,
        blank=True,
        help_text=_(
            "The people's coded answers the indices were computed from (NetworkPerson.as_json(),"
            " never a name), for rescoring; empty on snapshots from before they were kept. "
            "Never disclosed: only the indices leave the person's journal."
        ),
    )
    version = models.CharField(max_length=32, help_text=_("measures.network.VERSION"))
    updated_at = models.DateTimeField()

    objects = NetworkSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "taken_on"], name="one_network_snapshot_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"network snapshot {self.pk}"


class MeasureResponseQuerySet(PersonRecordQuerySet["MeasureResponse"]):
    category = Category.MEASURES.value

    def of(self, instrument: str) -> MeasureResponseQuerySet:
        return self.filter(instrument=instrument)

    def latest_first(self) -> MeasureResponseQuerySet:
        return self.order_by("-taken_on", "-id")


class MeasureResponse(models.Model):
    """One completed instrument: raw answers and the scores computed when it was taken."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="measure_responses"
    )
    instrument = models.CharField(max_length=32, help_text=_("measures.registry id, e.g. 'bam'."))
    version = models.CharField(max_length=32)
    answers = models.JSONField(
        help_text=_("Raw answers by item key: day counts as days, choices as their values.")
    )
    scores = models.JSONField(help_text=_("What measures computed, frozen with the version."))
    taken_on = models.DateField(help_text=_("The person's local date."))
    recorded_at = models.DateTimeField()
    requested_by_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text=_(
            "The clinician who asked for it (a plain id, as in the audit); empty if the person "
            "chose to take it."
        ),
    )

    objects = MeasureResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-taken_on", "-id"]
        indexes = [models.Index(fields=["person", "instrument", "taken_on"], name="measure_lookup")]

    def __str__(self) -> str:
        return f"{self.instrument} response {self.pk}"


class AccountDeletionQuerySet(models.QuerySet["AccountDeletion"]):
    def due(self, now: datetime) -> AccountDeletionQuerySet:
        """Requests whose grace period is over: `purge-deleted-accounts` removes these."""
        return self.filter(purge_after__lte=now)


class AccountDeletion(models.Model):
    """A person asked to delete their account and journal. The account is deactivated at once
    (every session ends); `homegroup purge-deleted-accounts` deletes it, and with it every
    journal row, after the grace period. Signing in before then offers to keep it. The audit log
    and the accounting of disclosures keep plain ids and are never touched."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_deletion"
    )
    requested_at = models.DateTimeField()
    purge_after = models.DateTimeField(
        help_text=_("From this moment the daily purge deletes the account and its journal.")
    )

    objects = AccountDeletionQuerySet.as_manager()

    def __str__(self) -> str:
        return f"account deletion {self.pk}"


class Reception(models.TextChoices):
    """How a meeting received a person on medication, in their own words (their journal).
    Only "welcoming" and "unwelcoming" also become an anonymous report to the directory."""

    WELCOMING = "welcoming", _("Welcoming")
    DID_NOT_COME_UP = "did_not_come_up", _("It didn't come up")
    UNWELCOMING = "unwelcoming", _("Unwelcoming")
    PREFER_NOT_TO_SAY = "prefer_not_to_say", _("Prefer not to say")
    SKIPPED = "skipped", _("Not now")


REPORTED_RECEPTIONS = {Reception.WELCOMING: "welcoming", Reception.UNWELCOMING: "unwelcoming"}


class MeetingReceptionQuerySet(PersonRecordQuerySet["MeetingReception"]):
    # It says the person takes medication: it is shared only as medication is.
    category = Category.MEDICATION.value


class MeetingReception(models.Model):
    """The person's one answer, per directory meeting, to "How did this meeting receive you as
    someone on medication?" — asked once after a check-in logs the meeting, never again unless
    they choose to change it."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_receptions"
    )
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(_("how you were received"), max_length=24, choices=Reception.choices)
    attended_on = models.DateField(
        _("meeting day"), help_text=_("The check-in day the meeting was logged on.")
    )
    reported = models.BooleanField(
        default=False,
        help_text=_("Whether the answer was passed on to the directory as an anonymous report."),
    )
    answered_at = models.DateTimeField(default=django_timezone.now)

    objects = MeetingReceptionQuerySet.as_manager()

    class Meta:
        ordering = ["-answered_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "meeting"], name="one_reception_per_meeting")
        ]

    def __str__(self) -> str:
        return f"meeting reception {self.pk}"


class MeasureRequestQuerySet(PersonRecordQuerySet["MeasureRequest"]):
    category = Category.MEASURES.value

    def open(self) -> MeasureRequestQuerySet:
        return self.filter(answered_at__isnull=True)


class MeasureRequest(models.Model):
    """Someone on the person's care team asked them to fill in a questionnaire. The person sees
    it on their questionnaires page; the next answer of that questionnaire answers it. Written
    by `journal.actions.request_measure` (the care app calls it; the journal knows nothing about
    clinicians beyond the plain id)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="measure_requests"
    )
    instrument = models.CharField(max_length=32, help_text=_("measures.registry id, e.g. 'bam'."))
    requested_by_id = models.BigIntegerField(
        help_text=_("The clinician who asked (a plain id, as in the audit).")
    )
    requested_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    response = models.ForeignKey(
        MeasureResponse, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MeasureRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.instrument} request {self.pk}"


# Recovery tasks live in their own module (issue 15); imported here so Django finds the model.
from homegroup.journal.tasks import RecoveryTask  # noqa: E402, F401
