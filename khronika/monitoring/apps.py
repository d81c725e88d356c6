from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Open-source monitoring: feeds, articles and Telegram exports become candidates for review."""

    name = "khronika.monitoring"
    label = "monitoring"
    verbose_name = _("Open-source monitoring")
    default_auto_field = "django.db.models.BigAutoField"
