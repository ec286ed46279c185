from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

DISCLOSURES = "disclosures"


class PrivacyConfig(AppConfig):
    name = "homegroup.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from homegroup.audit import ledgers
        from homegroup.privacy import checks  # noqa: F401  (registers the deploy checks)
        from homegroup.privacy.models import DisclosureRecord

        # The accounting of disclosures is MAC'd, sealed and verified like the audit log.
        ledgers.register(
            ledgers.Ledger(
                name=DISCLOSURES,
                model=DisclosureRecord,
                fields=DisclosureRecord.SEALED_FIELDS,
                noun="disclosure record",
            )
        )
