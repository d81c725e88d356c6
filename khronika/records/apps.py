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

        from django.db.models.signals import post_save

        from khronika.records.blind_indexes import reindex_saved_person
        from khronika.records.models import Person
        from khronika.vault.rotation import register_reindexer

        # Exact lookups on encrypted identities follow every save (bulk writers call index_persons).
        post_save.connect(reindex_saved_person, sender=Person, dispatch_uid="records.person_blind_indexes")
        # A blind-index key rotation recomputes them all.
        register_reindexer("records.persons", "khronika.records.blind_indexes.reindex_all_persons")
