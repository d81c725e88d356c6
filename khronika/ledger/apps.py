from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    """The append-only, hash-chained record of who did what."""

    name = "khronika.ledger"
    label = "ledger"
    verbose_name = _("Ledger")
