"""A release's partner name, note and stored rows are encrypted at rest (the vault's sentinel test
fills them with markers and looks for them on disk)."""

from khronika.publishing.models import Release
from khronika.vault.fields import sensitive_field_names


def test_the_partner_the_note_and_the_rows_are_sensitive():
    assert sensitive_field_names(Release) == ["partner", "note", "rows_csv"]
