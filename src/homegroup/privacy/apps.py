from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "homegroup.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from homegroup.privacy import checks  # noqa: F401  (registers the deploy checks)
