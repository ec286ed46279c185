from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "homegroup.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from homegroup.audit import (
            actions,
            checks,  # noqa: F401  (registers the deploy checks)
            ledgers,
        )
        from homegroup.audit.models import AuditEvent

        ledgers.register(
            ledgers.Ledger(name=ledgers.AUDIT, model=AuditEvent, fields=AuditEvent.SEALED_FIELDS)
        )
        post_migrate.connect(actions.after_migrate, sender=self)
