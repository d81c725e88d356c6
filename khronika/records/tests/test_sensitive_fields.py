"""Every identifying or narrative field is declared sensitive, so the vault encrypts exactly these.

If someone adds a name, contact or narrative field with a plain type, this list fails to match.
"""

from khronika.accounts.models import User
from khronika.records.models import Act, Evidence, Incident, Information, Organisation, Person, Source
from khronika.vault.fields import sensitive_field_names


def test_the_sensitive_fields_are_exactly_the_identifying_and_narrative_ones():
    assert sensitive_field_names(Person) == [
        "given_name",
        "family_name",
        "patronymic",
        "name_latin",
        "aliases",
        "birth_date",
        "contacts",
        "handles",
        "notes",
    ]
    assert sensitive_field_names(Incident) == ["title", "narrative"]
    assert sensitive_field_names(Act) == ["description"]
    assert sensitive_field_names(Source) == ["name", "contact", "url"]
    assert sensitive_field_names(Information) == ["original_text"]
    assert sensitive_field_names(Organisation) == ["notes"]
    assert sensitive_field_names(Evidence) == ["original_name", "description"]
    assert sensitive_field_names(User) == ["display_name", "email"]
    assert Evidence.sensitive_file is True
