from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

DISCLOSURES = "disclosures"


class PrivacyConfig(AppConfig):
    name = "homegroup.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from homegroup.accounts import actions as account_actions
        from homegroup.audit import ledgers
        from homegroup.privacy import checks  # noqa: F401  (registers the deploy checks)
        from homegroup.privacy.models import DisclosureRecord
        from homegroup.privacy.staff import StaffPrograms

        # A program admin's invitations join the admin's program (programs are privacy's).
        account_actions.register_staff_programs(StaffPrograms())

        # The accounting of disclosures is MAC'd, sealed and verified like the audit log.
        ledgers.register(
            ledgers.Ledger(
                name=DISCLOSURES,
                model=DisclosureRecord,
                fields=DisclosureRecord.SEALED_FIELDS,
                noun="disclosure record",
            )
        )
