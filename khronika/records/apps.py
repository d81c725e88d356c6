from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    """The documentation spine: incidents, acts, people, perpetrators, sources, evidence, places, terms."""

    name = "khronika.records"
    label = "records"
    verbose_name = _("Records")

    def ready(self) -> None:
        from khronika.records.search_index import INDEX
        from khronika.vault import state

        # Decrypted words must not outlive the keys: a panic drops the index with them.
        state.on_seal(INDEX.clear)
