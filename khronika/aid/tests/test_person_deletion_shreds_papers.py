"""A person deleted for good takes the inquiries about them, their relatives' phrases and the updates
shared with their family along, each ledgered as deleted (threat model 1: these identify the person)."""

import pytest

from khronika.aid import relatives
from khronika.aid.models import Inquiry, RelativeAccess, SharedUpdate
from khronika.aid.tests.factories import InquiryFactory
from khronika.ledger.models import LedgerEntry


@pytest.fixture(autouse=True)
def fast_phrase_hash(settings):
    settings.INTAKE_PHRASE_KDF = (1, 8)


def test_deleting_a_person_shreds_their_inquiries_phrases_and_updates(aid, team):
    from khronika.records.deletion import delete_person

    person = aid.case.persons.get()
    inquiry = InquiryFactory(case=aid.case, person=person, reply="Synthetic reply")
    access, _ = relatives.give_phrase(aid.coordinator, aid.case, person, "synthetic sister", "ru")
    update = relatives.share(aid.coordinator, aid.case, person, "Синтетическая новость")
    delete_person(person, team.documenter)
    for model, row in ((Inquiry, inquiry), (RelativeAccess, access), (SharedUpdate, update)):
        assert not model.objects.filter(id=row.id).exists()
        assert LedgerEntry.objects.filter(
            action="delete", object_type=model._meta.label_lower, object_id=str(row.id)
        ).exists()
