from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JournalConfig(AppConfig):
    name = "homegroup.journal"
    label = "journal"
    verbose_name = _("Recovery journal")

    def ready(self) -> None:
        from homegroup.journal import (
            counselor_asks,
            from_counselor,
            signals,  # noqa: F401  (connects the receivers)
        )

        # "From your counselor" on the home page: recovery tasks and questionnaires asked for.
        from_counselor.register(counselor_asks.open_recovery_tasks)
        from_counselor.register(counselor_asks.open_measure_requests)
