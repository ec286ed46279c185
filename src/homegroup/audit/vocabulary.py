"""The audit vocabulary: every action an audit event may name, each with the plain words the
person's own audit page shows (`/journal/audit/`, "who — what"). `audit.record` takes only these,
so a new kind of event is added here, with its words, before anything can record it.

The value is what the `action` column holds (app, then what happened); old rows keep theirs.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class AuditAction(StrEnum):
    # Refused lookups
    ACCESS_REFUSED = "access.refused"
    # Accounts
    ACCOUNT_ACTIVATED = "account.activated"
    ACCOUNT_CREATED = "account.created"
    ACCOUNT_EMAIL_CHANGED = "account.email_changed"
    ACCOUNT_INVITATION_ACCEPTED = "account.invitation_accepted"
    ACCOUNT_INVITATION_WITHDRAWN = "account.invitation_withdrawn"
    ACCOUNT_INVITE = "account.invite"
    ACCOUNT_PROFILE_CHANGED = "account.profile_changed"
    ACCOUNT_SIGN_UP = "account.sign_up"
    ACCOUNT_UNCONFIRMED_PURGED = "account.unconfirmed_purged"
    # Signing in and out
    AUTH_2FA_DISABLED = "auth.2fa_disabled"
    AUTH_2FA_ENROLLED = "auth.2fa_enrolled"
    AUTH_2FA_ENROLMENT_STARTED = "auth.2fa_enrolment_started"
    AUTH_2FA_FAILED = "auth.2fa_failed"
    AUTH_2FA_RECOVERY_CODE_USED = "auth.2fa_recovery_code_used"
    AUTH_2FA_RECOVERY_CODES_REPLACED = "auth.2fa_recovery_codes_replaced"
    AUTH_2FA_VERIFIED = "auth.2fa_verified"
    AUTH_ACCOUNT_DELETION = "auth.account_deletion"
    AUTH_LOCKED_OUT = "auth.locked_out"
    AUTH_PASSWORD_CHANGE = "auth.password_change"
    AUTH_PASSWORD_RESET = "auth.password_reset"
    AUTH_PASSWORD_RESET_REQUESTED = "auth.password_reset_requested"
    AUTH_PIN_LOCKED_OUT = "auth.pin_locked_out"
    AUTH_QUICK_EXIT = "auth.quick_exit"
    AUTH_REAUTH_FAILED = "auth.reauth_failed"
    AUTH_REAUTHENTICATE = "auth.reauthenticate"
    AUTH_SESSION_ABSOLUTE = "auth.session_absolute"
    AUTH_SESSION_IDLE = "auth.session_idle"
    AUTH_SIGN_IN = "auth.sign_in"
    AUTH_SIGN_OUT = "auth.sign_out"
    # Clinicians
    CARE_ALERT_ACKNOWLEDGED = "care.alert_acknowledged"
    CARE_ALERT_RESOLVED = "care.alert_resolved"
    CARE_ALERT_RULE_CHANGED = "care.alert_rule_changed"
    CARE_ALERT_SNOOZED = "care.alert_snoozed"
    CARE_ALERTS_RAISED = "care.alerts_raised"
    CARE_CASELOAD_VIEWED = "care.caseload_viewed"
    CARE_COUNSELING_NOTE_WRITTEN = "care.counseling_note_written"
    CARE_COUNSELING_NOTES_READ = "care.counseling_notes_read"
    CARE_PEOPLE_VIEWED = "care.people_viewed"
    CARE_DIAGNOSIS_GROUP = "care.diagnosis_group"
    CARE_MEASURE_REQUEST_REFUSED = "care.measure_request_refused"
    CARE_TSF_SESSION_EDITED = "care.tsf_session_edited"
    CARE_TSF_SESSION_TASK_SET = "care.tsf_session_task_set"
    CARE_TSF_SESSION_WRITTEN = "care.tsf_session_written"
    CARE_TSF_SESSIONS_READ = "care.tsf_sessions_read"
    # The meeting directory
    DIRECTORY_CONTACT_DETAILS_PUBLISHED = "directory.contact_details_published"
    DIRECTORY_IMPORT = "directory.import"
    DIRECTORY_IMPORT_QUEUED = "directory.import_queued"
    DIRECTORY_MAT_EVIDENCE_ADDED = "directory.mat_evidence_added"
    DIRECTORY_MAT_EVIDENCE_WITHDRAWN = "directory.mat_evidence_withdrawn"
    DIRECTORY_MAT_LEVEL_CHANGED = "directory.mat_level_changed"
    DIRECTORY_MAT_REPORT = "directory.mat_report"
    DIRECTORY_MAT_REPORT_REVIEWED = "directory.mat_report_reviewed"
    DIRECTORY_MEETING_CREATED = "directory.meeting_created"
    DIRECTORY_MEETING_REMOVED = "directory.meeting_removed"
    DIRECTORY_MEETING_RESTORED = "directory.meeting_restored"
    DIRECTORY_MEETING_UPDATED = "directory.meeting_updated"
    DIRECTORY_SOURCE_CONFIGURED = "directory.source_configured"
    DIRECTORY_SOURCE_CREATED = "directory.source_created"
    DIRECTORY_SYNTHETIC_GENERATED = "directory.synthetic_generated"
    # A person's journal
    JOURNAL_ACCOUNT_PURGED = "journal.account_purged"
    JOURNAL_CHECK_IN = "journal.check_in"
    JOURNAL_CHECK_IN_EDIT = "journal.check_in_edit"
    JOURNAL_DELETION_CANCEL = "journal.deletion_cancel"
    JOURNAL_DELETION_REQUEST = "journal.deletion_request"
    JOURNAL_DISCREET_MODE = "journal.discreet_mode"
    JOURNAL_EXPORT = "journal.export"
    JOURNAL_HOME_GROUP = "journal.home_group"
    JOURNAL_MEASURE = "journal.measure"
    JOURNAL_MEASURE_REQUEST_ANSWERED = "journal.measure_request_answered"
    JOURNAL_MEASURE_REQUESTED = "journal.measure_requested"
    JOURNAL_MEASURE_RESCORE = "journal.measure_rescore"
    JOURNAL_MEDICATION_ADD = "journal.medication_add"
    JOURNAL_MEDICATION_CHANGE = "journal.medication_change"
    JOURNAL_MEDICATION_DELETE = "journal.medication_delete"
    JOURNAL_MEETING_RECEPTION = "journal.meeting_reception"
    JOURNAL_NETWORK_ADD = "journal.network_add"
    JOURNAL_NETWORK_CHANGE = "journal.network_change"
    JOURNAL_NETWORK_REMOVE = "journal.network_remove"
    JOURNAL_NETWORK_CONFIRMED = "journal.network_confirmed"
    JOURNAL_PIN_REMOVED = "journal.pin_removed"
    JOURNAL_PIN_SET = "journal.pin_set"
    JOURNAL_PIN_UNLOCK = "journal.pin_unlock"
    JOURNAL_PROFILE_CREATE = "journal.profile_create"
    JOURNAL_PROFILE_UPDATE = "journal.profile_update"
    JOURNAL_READ = "journal.read"
    JOURNAL_RECOVERY_TASK_DONE_BY_CHECK_IN = "journal.recovery_task_done_by_check_in"
    JOURNAL_RECOVERY_TASK_MARKED = "journal.recovery_task_marked"
    JOURNAL_RECOVERY_TASK_SET = "journal.recovery_task_set"
    JOURNAL_REMINDER_REMOVED = "journal.reminder_removed"
    JOURNAL_REMINDER_SET = "journal.reminder_set"
    JOURNAL_SERVICE_ADD = "journal.service_add"
    JOURNAL_SERVICE_CHANGE = "journal.service_change"
    JOURNAL_SERVICE_DELETE = "journal.service_delete"
    JOURNAL_SPONSOR_AND_STEPS = "journal.sponsor_and_steps"
    JOURNAL_USUAL_MEETING_ADD = "journal.usual_meeting_add"
    JOURNAL_USUAL_MEETING_REMOVE = "journal.usual_meeting_remove"
    # Program outcomes (aggregate, de-identified)
    OUTCOMES_COHORT_GENERATED = "outcomes.cohort_generated"
    OUTCOMES_EXPORT = "outcomes.export"
    OUTCOMES_REPORT = "outcomes.report"
    OUTCOMES_REPORT_DOWNLOADED = "outcomes.report_downloaded"
    OUTCOMES_REPORT_VIEWED = "outcomes.report_viewed"
    OUTCOMES_TABLE_DOWNLOADED = "outcomes.table_downloaded"
    # Sharing, programs and disclosures
    PRIVACY_ACCOUNTING_VIEWED = "privacy.accounting_viewed"
    PRIVACY_BREAK_GLASS_OPENED = "privacy.break_glass_opened"
    PRIVACY_BREAK_GLASS_REVIEWED = "privacy.break_glass_reviewed"
    PRIVACY_BREAK_GLASS_REVIEWS_VIEWED = "privacy.break_glass_reviews_viewed"
    PRIVACY_BREAK_GLASS_VIEWED = "privacy.break_glass_viewed"
    PRIVACY_CARE_TEAM_ASSIGNED = "privacy.care_team_assigned"
    PRIVACY_CARE_TEAM_CONFIRMED = "privacy.care_team_confirmed"
    PRIVACY_CARE_TEAM_DECLINED = "privacy.care_team_declined"
    PRIVACY_CARE_TEAM_ENDED = "privacy.care_team_ended"
    PRIVACY_CONSENT_ACCEPTED = "privacy.consent_accepted"
    PRIVACY_CONSENT_ENDED = "privacy.consent_ended"
    PRIVACY_CONSENT_REVOKED = "privacy.consent_revoked"
    PRIVACY_CONSENT_SIGNED = "privacy.consent_signed"
    PRIVACY_CONSENT_VIEWED = "privacy.consent_viewed"
    PRIVACY_DIAGNOSIS_GROUP_RECORDED = "privacy.diagnosis_group_recorded"
    PRIVACY_DISCLOSURE = "privacy.disclosure"
    PRIVACY_ENROLMENT_CODE_ISSUED = "privacy.enrolment_code_issued"
    PRIVACY_PROGRAM_CREATED = "privacy.program_created"
    PRIVACY_PROGRAM_JOINED = "privacy.program_joined"
    PRIVACY_PROGRAM_LEFT = "privacy.program_left"
    PRIVACY_PROGRAM_MEMBER_ADDED = "privacy.program_member_added"
    PRIVACY_PROGRAM_VIEWED = "privacy.program_viewed"
    PRIVACY_RESTRICTION_REQUESTED = "privacy.restriction_requested"
    PRIVACY_RESTRICTION_WITHDRAWN = "privacy.restriction_withdrawn"
    PRIVACY_ROTATE_FIELD_KEYS = "privacy.rotate_field_keys"
    PRIVACY_SHARING_VIEWED = "privacy.sharing_viewed"

    @property
    def description(self) -> str:
        """What the actor did, in plain words ("signed in", "looked at a consent")."""
        return str(DESCRIPTIONS[self])

    @classmethod
    def describe(cls, value: str) -> str:
        """The words for a stored action, or kind general words for one no longer recorded."""
        try:
            return cls(value).description
        except ValueError:
            return str(_("did something with your record"))


DESCRIPTIONS: dict[AuditAction, Promise] = {
    AuditAction.CARE_ALERT_ACKNOWLEDGED: _("acknowledged an alert about you"),
    AuditAction.CARE_ALERT_RESOLVED: _("resolved an alert about you"),
    AuditAction.CARE_ALERT_RULE_CHANGED: _("changed a caseload alert rule"),
    AuditAction.CARE_ALERT_SNOOZED: _("snoozed an alert about you"),
    AuditAction.CARE_ALERTS_RAISED: _("noted alerts on the caseload"),
    AuditAction.CARE_CASELOAD_VIEWED: _("looked at their caseload"),
    AuditAction.CARE_MEASURE_REQUEST_REFUSED: _("tried to ask you for a questionnaire"),
    AuditAction.JOURNAL_MEASURE_REQUEST_ANSWERED: _(
        "answered a questionnaire the counselor asked for"
    ),
    AuditAction.JOURNAL_MEASURE_REQUESTED: _("asked you to fill in a questionnaire"),
    AuditAction.ACCESS_REFUSED: _("asked for something of yours they may not see"),
    AuditAction.ACCOUNT_ACTIVATED: _("confirmed the email address"),
    AuditAction.ACCOUNT_CREATED: _("created an account"),
    AuditAction.ACCOUNT_EMAIL_CHANGED: _("changed the email address"),
    AuditAction.ACCOUNT_INVITATION_ACCEPTED: _("accepted a staff invitation"),
    AuditAction.ACCOUNT_INVITATION_WITHDRAWN: _("withdrew a staff invitation"),
    AuditAction.ACCOUNT_INVITE: _("invited a staff member"),
    AuditAction.ACCOUNT_PROFILE_CHANGED: _("changed the account's name"),
    AuditAction.ACCOUNT_SIGN_UP: _("created the account"),
    AuditAction.ACCOUNT_UNCONFIRMED_PURGED: _("deleted a sign-up that was never confirmed"),
    AuditAction.AUTH_2FA_DISABLED: _("turned off two-step sign-in"),
    AuditAction.AUTH_2FA_ENROLLED: _("turned on two-step sign-in"),
    AuditAction.AUTH_2FA_ENROLMENT_STARTED: _("started setting up two-step sign-in"),
    AuditAction.AUTH_2FA_FAILED: _("was signed out after a wrong sign-in code"),
    AuditAction.AUTH_2FA_RECOVERY_CODE_USED: _("signed in with a recovery code"),
    AuditAction.AUTH_2FA_RECOVERY_CODES_REPLACED: _("made new recovery codes"),
    AuditAction.AUTH_2FA_VERIFIED: _("passed two-step sign-in"),
    AuditAction.AUTH_ACCOUNT_DELETION: _("was signed out to delete the account"),
    AuditAction.AUTH_LOCKED_OUT: _("was locked out after too many wrong passwords"),
    AuditAction.AUTH_PASSWORD_CHANGE: _("changed the password"),
    AuditAction.AUTH_PASSWORD_RESET: _("set a new password from an email link"),
    AuditAction.AUTH_PASSWORD_RESET_REQUESTED: _("asked for a password reset email"),
    AuditAction.AUTH_PIN_LOCKED_OUT: _("was signed out after wrong PINs"),
    AuditAction.AUTH_QUICK_EXIT: _("left with quick exit"),
    AuditAction.AUTH_REAUTH_FAILED: _("was signed out after a wrong password"),
    AuditAction.AUTH_REAUTHENTICATE: _("gave the password again"),
    AuditAction.AUTH_SESSION_ABSOLUTE: _("was signed out: the session was too old"),
    AuditAction.AUTH_SESSION_IDLE: _("was signed out after a quiet while"),
    AuditAction.AUTH_SIGN_IN: _("signed in"),
    AuditAction.AUTH_SIGN_OUT: _("signed out"),
    AuditAction.CARE_COUNSELING_NOTE_WRITTEN: _("wrote a counseling note"),
    AuditAction.CARE_COUNSELING_NOTES_READ: _("read counseling notes"),
    AuditAction.CARE_PEOPLE_VIEWED: _("looked at their list of people"),
    AuditAction.CARE_DIAGNOSIS_GROUP: _("opened the diagnosis group of your enrolment"),
    AuditAction.CARE_TSF_SESSION_EDITED: _("changed a Twelve-Step Facilitation session"),
    AuditAction.CARE_TSF_SESSION_TASK_SET: _("set a recovery task in a session"),
    AuditAction.CARE_TSF_SESSION_WRITTEN: _("wrote a Twelve-Step Facilitation session"),
    AuditAction.CARE_TSF_SESSIONS_READ: _("read session summaries"),
    AuditAction.DIRECTORY_CONTACT_DETAILS_PUBLISHED: _("published contact details of a meeting"),
    AuditAction.DIRECTORY_IMPORT: _("imported a meeting feed"),
    AuditAction.DIRECTORY_IMPORT_QUEUED: _("asked for a meeting feed to be imported"),
    AuditAction.DIRECTORY_MAT_EVIDENCE_ADDED: _(
        "recorded a statement about medication at a meeting"
    ),
    AuditAction.DIRECTORY_MAT_EVIDENCE_WITHDRAWN: _(
        "withdrew a statement about medication at a meeting"
    ),
    AuditAction.DIRECTORY_MAT_LEVEL_CHANGED: _("changed a meeting's medication-friendliness"),
    AuditAction.DIRECTORY_MAT_REPORT: _("reported how a meeting received people on medication"),
    AuditAction.DIRECTORY_MAT_REPORT_REVIEWED: _("reviewed a report about a meeting"),
    AuditAction.DIRECTORY_MEETING_CREATED: _("listed a meeting"),
    AuditAction.DIRECTORY_MEETING_REMOVED: _("took a meeting off the directory"),
    AuditAction.DIRECTORY_MEETING_RESTORED: _("listed a meeting again"),
    AuditAction.DIRECTORY_MEETING_UPDATED: _("changed a meeting"),
    AuditAction.DIRECTORY_SOURCE_CONFIGURED: _("changed a meeting source's settings"),
    AuditAction.DIRECTORY_SOURCE_CREATED: _("added a meeting source"),
    AuditAction.DIRECTORY_SYNTHETIC_GENERATED: _("made a synthetic directory"),
    AuditAction.JOURNAL_ACCOUNT_PURGED: _("deleted the account for good"),
    AuditAction.JOURNAL_CHECK_IN: _("recorded a day"),
    AuditAction.JOURNAL_CHECK_IN_EDIT: _("changed a day"),
    AuditAction.JOURNAL_DELETION_CANCEL: _("kept the account"),
    AuditAction.JOURNAL_DELETION_REQUEST: _("asked to delete the account"),
    AuditAction.JOURNAL_DISCREET_MODE: _("changed discreet mode"),
    AuditAction.JOURNAL_EXPORT: _("downloaded the journal"),
    AuditAction.JOURNAL_HOME_GROUP: _("changed the home group"),
    AuditAction.JOURNAL_MEASURE: _("answered a questionnaire"),
    AuditAction.JOURNAL_MEASURE_RESCORE: _("scored a questionnaire again with a newer version"),
    AuditAction.JOURNAL_MEDICATION_ADD: _("added a medication"),
    AuditAction.JOURNAL_MEDICATION_CHANGE: _("changed a medication"),
    AuditAction.JOURNAL_MEDICATION_DELETE: _("removed a medication"),
    AuditAction.JOURNAL_MEETING_RECEPTION: _("said how a meeting received them"),
    AuditAction.JOURNAL_NETWORK_ADD: _("added someone to the network"),
    AuditAction.JOURNAL_NETWORK_CHANGE: _("changed someone in the network"),
    AuditAction.JOURNAL_NETWORK_REMOVE: _("took someone off the network"),
    AuditAction.JOURNAL_NETWORK_CONFIRMED: _("confirmed the network is up to date"),
    AuditAction.JOURNAL_PIN_REMOVED: _("removed the journal PIN"),
    AuditAction.JOURNAL_PIN_SET: _("set a journal PIN"),
    AuditAction.JOURNAL_PIN_UNLOCK: _("unlocked the journal with the PIN"),
    AuditAction.JOURNAL_PROFILE_CREATE: _("set up the journal"),
    AuditAction.JOURNAL_PROFILE_UPDATE: _("changed the journal settings"),
    AuditAction.JOURNAL_READ: _("looked at the journal"),
    AuditAction.JOURNAL_RECOVERY_TASK_DONE_BY_CHECK_IN: _(
        "completed a recovery task by logging its meeting"
    ),
    AuditAction.JOURNAL_RECOVERY_TASK_MARKED: _("marked a recovery task"),
    AuditAction.JOURNAL_RECOVERY_TASK_SET: _("set a recovery task"),
    AuditAction.JOURNAL_REMINDER_REMOVED: _("turned off the daily reminder"),
    AuditAction.JOURNAL_REMINDER_SET: _("set a daily reminder"),
    AuditAction.JOURNAL_SERVICE_ADD: _("added a service commitment"),
    AuditAction.JOURNAL_SERVICE_CHANGE: _("changed a service commitment"),
    AuditAction.JOURNAL_SERVICE_DELETE: _("removed a service commitment"),
    AuditAction.JOURNAL_SPONSOR_AND_STEPS: _("changed sponsor and steps"),
    AuditAction.JOURNAL_USUAL_MEETING_ADD: _("added a usual meeting"),
    AuditAction.JOURNAL_USUAL_MEETING_REMOVE: _("removed a usual meeting"),
    AuditAction.OUTCOMES_COHORT_GENERATED: _("made a synthetic cohort for outcome reports"),
    AuditAction.OUTCOMES_EXPORT: _("downloaded a de-identified outcomes export"),
    AuditAction.OUTCOMES_REPORT: _("made a program outcomes report"),
    AuditAction.OUTCOMES_REPORT_DOWNLOADED: _("downloaded a program outcomes report"),
    AuditAction.OUTCOMES_REPORT_VIEWED: _("looked at a program outcomes report"),
    AuditAction.OUTCOMES_TABLE_DOWNLOADED: _("downloaded an outcomes table"),
    AuditAction.PRIVACY_ACCOUNTING_VIEWED: _("looked at the list of disclosures"),
    AuditAction.PRIVACY_BREAK_GLASS_OPENED: _("opened emergency access to your record"),
    AuditAction.PRIVACY_BREAK_GLASS_REVIEWED: _("reviewed an emergency access to your record"),
    AuditAction.PRIVACY_BREAK_GLASS_REVIEWS_VIEWED: _("looked at the emergency accesses to review"),
    AuditAction.PRIVACY_BREAK_GLASS_VIEWED: _("looked at the emergency access page about you"),
    AuditAction.PRIVACY_CARE_TEAM_ASSIGNED: _("proposed a clinician for your care team"),
    AuditAction.PRIVACY_CARE_TEAM_CONFIRMED: _("took up their place on your care team"),
    AuditAction.PRIVACY_CARE_TEAM_DECLINED: _("declined a place on your care team"),
    AuditAction.PRIVACY_CARE_TEAM_ENDED: _("ended a clinician's place on your care team"),
    AuditAction.PRIVACY_CONSENT_ACCEPTED: _("accepted your sharing code"),
    AuditAction.PRIVACY_CONSENT_ENDED: _("ended a share at the end of treatment"),
    AuditAction.PRIVACY_CONSENT_REVOKED: _("stopped a share"),
    AuditAction.PRIVACY_CONSENT_SIGNED: _("signed a consent to share"),
    AuditAction.PRIVACY_CONSENT_VIEWED: _("looked at a consent"),
    AuditAction.PRIVACY_DIAGNOSIS_GROUP_RECORDED: _("recorded the diagnosis group of an enrolment"),
    AuditAction.PRIVACY_DISCLOSURE: _("saw what you share with them"),
    AuditAction.PRIVACY_ENROLMENT_CODE_ISSUED: _("made a code to join a program"),
    AuditAction.PRIVACY_PROGRAM_CREATED: _("created a program"),
    AuditAction.PRIVACY_PROGRAM_JOINED: _("joined a program"),
    AuditAction.PRIVACY_PROGRAM_LEFT: _("left a program"),
    AuditAction.PRIVACY_PROGRAM_MEMBER_ADDED: _("added a staff member to a program"),
    AuditAction.PRIVACY_PROGRAM_VIEWED: _("looked at the program's page"),
    AuditAction.PRIVACY_RESTRICTION_REQUESTED: _("asked to restrict what is shared"),
    AuditAction.PRIVACY_RESTRICTION_WITHDRAWN: _("withdrew a restriction on sharing"),
    AuditAction.PRIVACY_ROTATE_FIELD_KEYS: _("re-encrypted stored text with a new key"),
    AuditAction.PRIVACY_SHARING_VIEWED: _("looked at your sharing page"),
}
