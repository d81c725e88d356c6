from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    """The community safety registry: warnings about entrapment accounts, numbers, places and patterns."""

    name = "khronika.safety"
    label = "safety"
    verbose_name = _("Community safety registry")

    def ready(self) -> None:
        from khronika.vault.rotation import register_reindexer

        # Entries are found again by a keyed digest; a blind-index key rotation recomputes them.
        register_reindexer("safety.entries", "khronika.safety.services.reindex_entries")
