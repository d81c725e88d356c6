from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Open-source monitoring: feeds, articles and Telegram exports become candidates for review."""

    name = "khronika.monitoring"
    label = "monitoring"
    verbose_name = _("Open-source monitoring")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from khronika.vault.rotation import register_reindexer

        # Duplicates and reprints are found by keyed digests; a blind-index key rotation recomputes them.
        register_reindexer("monitoring.articles", "khronika.monitoring.services.reindex_articles")
