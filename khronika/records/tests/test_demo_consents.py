"""Demo persons carry synthetic consents, so the statistics, publication and linkage pages of a demo have
people to count; each consent is in the ledger like any other record."""

from __future__ import annotations

import pytest

from khronika.ledger.models import LedgerEntry
from khronika.records.demo import DEMO_CONSENT_SHARES, generate
from khronika.records.models import Consent, Person

pytestmark = pytest.mark.django_db


def test_demo_persons_get_each_consent_in_about_its_share_and_it_is_ledgered(team):
    generate(400, compartments=[team.home])
    persons = Person.objects.count()

    for scope, share in DEMO_CONSENT_SHARES.items():
        given = Consent.objects.filter(scope=scope, withdrawn_on__isnull=True).count()
        assert abs(given / persons - share) < 0.15, (scope, given, persons)
    assert set(Person.objects.with_consent(Consent.Scope.LINKAGE)) <= set(
        Person.objects.with_consent(Consent.Scope.STATISTICS)
    )
    ledgered = set(
        LedgerEntry.objects.filter(object_type="records.consent").values_list("object_id", flat=True)
    )
    assert ledgered == {str(pk) for pk in Consent.objects.values_list("pk", flat=True)}
