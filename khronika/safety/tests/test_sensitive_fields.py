"""Handles, numbers, addresses, narratives, evidence references and moderators' notes are encrypted at
rest, and an unconfirmed entry stores no lookup hash (threat model 1: a seized database)."""

from __future__ import annotations

import pytest
from django.db import connection

from khronika.safety import services
from khronika.safety.models import Channel, Decision, Entry, Report
from khronika.safety.tests.factories import PHONE
from khronika.vault.fields import IN_ROW, sensitive_field_names
from khronika.vault.tests.support import row_ciphertext

pytestmark = pytest.mark.django_db


def test_the_sensitive_fields_are_exactly_the_identifying_and_narrative_ones():
    assert sensitive_field_names(Entry) == ["identifier", "address", "summary"]
    assert sensitive_field_names(Report) == ["evidence", "narrative"]
    assert sensitive_field_names(Decision) == ["note"]


def test_the_database_holds_ciphertext_and_no_hash_of_an_unconfirmed_number():
    report = services.report(
        PHONE,
        channel=Channel.STAFF,
        origin="staff:1",
        actor=None,
        evidence="synthetic screenshot",
        narrative="synthetic",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT identifier, hash_prefix, hash_suffix, vault_data FROM safety_entry")
        identifier, prefix, suffix, entry_row = cursor.fetchone()
        cursor.execute("SELECT evidence, narrative, vault_data FROM safety_report")
        evidence, narrative, report_row = cursor.fetchone()
    assert identifier == IN_ROW and b"5550123" not in row_ciphertext(entry_row)
    assert (prefix, suffix) == (None, "")
    assert (evidence, narrative) == (IN_ROW, IN_ROW)
    assert b"synthetic" not in row_ciphertext(report_row)
    assert Report.objects.get(id=report.id).narrative == "synthetic"
