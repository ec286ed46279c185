from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "homegroup.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from homegroup.accounts import signals  # noqa: F401  (audits sign-in events)
