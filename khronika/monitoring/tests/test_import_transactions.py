"""One item failing leaves nothing of it behind, and the others are stored."""

import pytest

from khronika.monitoring import services
from khronika.monitoring.importers import Batch, Item
from khronika.monitoring.models import Article, ArticleBand, Candidate
from khronika.monitoring.tests.importing import fake_extract
from khronika.vault import state
from khronika.vault.crypto import VaultSealed

pytestmark = pytest.mark.django_db


def test_an_item_that_fails_half_way_leaves_nothing_and_the_rest_continue(team, monkeypatch):
    def failing_save(self, *args, **kwargs):
        raise RuntimeError("disk full while writing a synthetic candidate about Самара")

    def extract(item):
        return fake_extract(item.text, published=services.timezone.now().date(), language="ru")

    monkeypatch.setattr(services, "extract", extract)
    original_save = Candidate.save

    def save(self, *args, **kwargs):
        if "RU-SAM" in str(self.extracted):
            failing_save(self)
        original_save(self, *args, **kwargs)

    monkeypatch.setattr(Candidate, "save", save)
    items = [
        Item("entry 1", "В Махачкале задержали двух человек после проверки телефонов на улице."),
        Item("entry 2", "В Самаре суд оштрафовал синтетического активиста за публикацию."),
        Item("entry 3", "В Казани полиция провела рейд в клубе и задержала одиннадцать посетителей."),
    ]

    report = services.import_batch(Batch(items=items), compartment=team.home, kind="text")

    assert (report.imported, report.candidates) == (2, 2)
    # The reason is in our words: the exception's text (which quotes the article) is not kept.
    assert report.errors == [{"label": "entry 2", "message": "The item could not be processed."}]
    assert Article.objects.count() == 2
    assert ArticleBand.objects.count() == 2 * 16
    assert all("Самар" not in str(a.text) for a in Article.objects.all())


def test_a_sealed_vault_stops_the_import_before_anything_is_written(team, unsealed_vault):
    state.seal()
    try:
        with pytest.raises(VaultSealed):
            services.import_batch(
                Batch(items=[Item("entry 1", "Some text")]), compartment=team.home, kind="text"
            )
    finally:
        state.unseal(unsealed_vault)
    assert not Article.objects.exists()
