"""Every word a case worker writes on a case is encrypted at rest; the clear columns are codes and dates.

Threat model 1: a copy of the database shows no summary, route, note, task title or grounds.
"""

from django.db import connection

from khronika.aid import services
from khronika.aid.models import (
    Case,
    CaseMember,
    DetentionEvent,
    Inquiry,
    Intervention,
    RelativeAccess,
    SharedUpdate,
    Task,
    Verification,
)
from khronika.vault.fields import IN_ROW, sensitive_field_names
from khronika.vault.tests.support import row_ciphertext


def test_the_sensitive_fields_are_exactly_the_words_written_on_a_case():
    assert sensitive_field_names(Case) == ["summary", "evacuation_note"]
    assert sensitive_field_names(Intervention) == ["notes", "outcome"]
    assert sensitive_field_names(Verification) == ["note"]
    assert sensitive_field_names(Task) == ["title"]
    assert sensitive_field_names(DetentionEvent) == ["grounds", "note"]
    assert sensitive_field_names(CaseMember) == []
    assert sensitive_field_names(Inquiry) == ["addressee", "reply"]
    assert sensitive_field_names(RelativeAccess) == ["label"]
    assert sensitive_field_names(SharedUpdate) == ["text_ru", "text_en"]


def test_the_database_holds_ciphertext_only(aid):
    services.save_evacuation_note(aid.evacuation, aid.case, "Synthetic safe flat on Lenina street")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT summary, evacuation_note, vault_data FROM aid_case WHERE id = %s", [aid.case.id.hex]
        )
        summary, note, row = cursor.fetchone()
    assert (summary, note) == (IN_ROW, IN_ROW)
    assert b"Lenina" not in row_ciphertext(row)
    aid.case.refresh_from_db()
    assert aid.case.evacuation_note == "Synthetic safe flat on Lenina street"
