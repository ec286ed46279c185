from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JournalConfig(AppConfig):
    name = "homegroup.journal"
    label = "journal"
    verbose_name = _("Recovery journal")

    def ready(self) -> None:
        from homegroup.journal import signals  # noqa: F401  (connects the receivers)
