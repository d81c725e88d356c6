"""``link encode --from-instance`` encodes only persons whose consent covers linkage, and ledgers it.

Consent (DESIGN.md): default none, and every feature that uses a person for a purpose checks it. A
person who agreed to statistics, or withdrew consent to linkage, must not be looked for in another
organisation's list. The export is written to the ledger with opaque ids only.
"""

import csv
import io
import os

import pytest
from django.core.management import call_command
from django.utils import timezone

from khronika.ledger.models import LedgerEntry
from khronika.linkage import exchange
from khronika.linkage.tests.exchange_helpers import secret_fd
from khronika.records.models import Consent
from khronika.testing.factories import ActFactory, ConsentFactory, PersonFactory, place

pytestmark = pytest.mark.django_db


def _encode(tmp_path):
    output, mapping = tmp_path / "ours.clk", tmp_path / "ours.mapping.csv"
    fd = secret_fd(exchange.new_secret())
    try:
        call_command(
            "link",
            "encode",
            "--from-instance",
            "--output",
            str(output),
            "--mapping",
            str(mapping),
            "--secret-fd",
            str(fd),
            stdout=io.StringIO(),
        )
    finally:
        os.close(fd)
    with mapping.open(encoding="utf-8", newline="") as handle:
        return output, {row["record_id"] for row in csv.DictReader(handle)}


def test_it_encodes_only_persons_who_consented_to_linkage_and_ledgers_them(tmp_path, reference_data):
    consented = PersonFactory(
        given_name="Матвей", family_name="Щербаков", birth_date="1995-03-14", region=place("RU-DA")
    )
    ConsentFactory(person=consented, scope=Consent.Scope.LINKAGE)
    ActFactory(victim=consented, incident__compartment=consented.compartment)
    statistics_only = PersonFactory()
    ConsentFactory(person=statistics_only, scope=Consent.Scope.STATISTICS)
    withdrawn = PersonFactory()
    ConsentFactory(person=withdrawn, scope=Consent.Scope.LINKAGE, withdrawn_on=timezone.localdate())
    PersonFactory()  # no consent at all

    output, encoded = _encode(tmp_path)

    assert encoded == {consented.pseudonym}
    assert output.read_text(encoding="utf-8").count("\n") == 2  # the header and one person
    exported = set(
        LedgerEntry.objects.filter(action="export", object_type="records.person").values_list(
            "object_id", flat=True
        )
    )
    assert exported == {str(consented.id)}
    assert LedgerEntry.objects.filter(action="export", object_type="linkage.encoded_file").count() == 1


def test_it_refuses_when_no_one_consented(tmp_path, reference_data):
    from django.core.management import CommandError

    ConsentFactory(person=PersonFactory(), scope=Consent.Scope.STATISTICS)
    with pytest.raises(CommandError, match="no one to encode"):
        _encode(tmp_path)
    assert not (tmp_path / "ours.clk").exists()
    assert not LedgerEntry.objects.filter(action="export").exists()


def test_mentions_deduplication_joined_are_encoded_once_from_the_consenting_ones(tmp_path, reference_data):
    from datetime import timedelta

    from khronika.linkage.cli_exchange import _instance_records
    from khronika.linkage.models import ClusterMember

    now = timezone.now()
    earlier = PersonFactory(
        given_name="Матвей", family_name="Щербаков", region=place("RU-DA"), created_at=now - timedelta(days=2)
    )
    later = PersonFactory(
        compartment=earlier.compartment,
        given_name="Matvey",
        family_name="Shcherbakov",
        birth_date="1995-03-14",
        created_at=now - timedelta(days=1),
    )
    # The same man once more, recorded first but without consent to linkage: it gives nothing, not
    # even the pseudonym, though the cluster is named after it.
    silent = PersonFactory(
        compartment=earlier.compartment,
        given_name="Матвей",
        family_name="Щербаков",
        birth_date="1990-01-01",
        created_at=now - timedelta(days=3),
    )
    for person in (earlier, later):
        ConsentFactory(person=person, scope=Consent.Scope.LINKAGE)
    for person in (earlier, later, silent):
        ClusterMember.objects.create(person=person, compartment=earlier.compartment, cluster_id=silent.id)

    records, persons = _instance_records({})

    assert [record.record_id for record in records] == [earlier.pseudonym]
    assert (records[0].family_name, records[0].birth_date, records[0].region) == (
        "Щербаков",
        "1995-03-14",
        "RU-DA",
    )
    assert {person.id for person in persons} == {earlier.id, later.id}
    output, encoded = _encode(tmp_path)
    assert encoded == {earlier.pseudonym}
    assert output.read_text(encoding="utf-8").count("\n") == 2  # the header and one person
    exported = set(
        LedgerEntry.objects.filter(action="export", object_type="records.person").values_list(
            "object_id", flat=True
        )
    )
    assert exported == {str(earlier.id), str(later.id)}  # every consenting mention that was encoded
