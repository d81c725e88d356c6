"""Two imports of the same article at the same moment store it once: the database's unique constraint
on (compartment, text digest) refuses the second copy, which is counted as already known."""

import pytest
from django.db import IntegrityError, transaction

from khronika.ledger.models import LedgerEntry
from khronika.monitoring import fingerprints, services
from khronika.monitoring.importers import Batch, Item
from khronika.monitoring.models import Article, Candidate
from khronika.monitoring.tests.factories import candidate_in

pytestmark = pytest.mark.django_db

TEXT = "В Махачкале полиция задержала двух синтетических активистов после проверки телефонов."


def test_an_import_that_loses_the_race_counts_the_article_as_already_known(team, extractor, monkeypatch):
    """The other import runs between this one's duplicate check and its insert, as it would when two
    documenters import the same export at once; both checks found nothing."""
    nearest = services._nearest
    other_reports = []

    def other_import_in_between(compartment, signature):
        found = nearest(compartment, signature)  # nothing yet: this import goes on to insert
        monkeypatch.setattr(services, "_nearest", nearest)  # the other import runs undisturbed
        other_reports.append(
            services.import_batch(Batch(items=[Item("post 1", TEXT)]), compartment=compartment, kind="text")
        )
        return found

    monkeypatch.setattr(services, "_nearest", other_import_in_between)

    report = services.import_batch(Batch(items=[Item("post 1", TEXT)]), compartment=team.home, kind="text")

    assert (other_reports[0].imported, other_reports[0].candidates) == (1, 1)
    assert (report.imported, report.duplicates, report.candidates, report.errors) == (0, 1, 0, [])
    assert Article.objects.count() == 1
    assert Candidate.objects.count() == 1  # the loser's candidates were rolled back with its article
    assert LedgerEntry.objects.filter(object_type="monitoring.article").count() == 1


def test_the_database_refuses_a_second_copy_of_an_article_in_one_compartment(team):
    candidate_in(team.home, TEXT)
    candidate_in(team.elsewhere, TEXT)  # another compartment may hold the same article

    copy = Article(
        compartment=team.home,
        origin=Article.Origin.TEXT,
        text=TEXT,
        sha256=fingerprints.sha256(TEXT),
        content_digest=fingerprints.content_digest(TEXT),
        minhash=fingerprints.minhash(TEXT),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
