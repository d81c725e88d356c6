"""Article texts, titles and addresses, feed addresses and extracted values (which hold names) are
vault fields: a seized database must not show what the group reads or whom the articles name."""

import pytest

from khronika.monitoring.models import Article, Candidate, Feed
from khronika.monitoring.tests.factories import candidate_in
from khronika.vault.fields import sensitive_field_names
from khronika.vault.tests.support import row_ciphertext


def test_the_sensitive_fields_are_exactly_the_ones_that_can_name_someone_or_an_article():
    assert sensitive_field_names(Feed) == ["url", "title"]
    assert sensitive_field_names(Article) == ["url", "title", "text", "sha256"]
    assert sensitive_field_names(Candidate) == ["extracted"]


@pytest.mark.django_db
def test_the_stored_row_holds_no_readable_text(team):
    candidate = candidate_in(
        team.home, text="Синтетический Маркерович задержан", extracted={"people": "Маркерович"}
    )

    raw = (
        Article.objects.filter(pk=candidate.article_id)
        .values_list("text", "title", "url", "vault_data")
        .get()
    )
    raw_extracted = Candidate.objects.filter(pk=candidate.pk).values_list("extracted", flat=True).get()

    assert all("Маркерович" not in str(value) and "news.example" not in str(value) for value in raw[:3])
    row = row_ciphertext(raw[3])  # the row's one ciphertext, where text, title and url are
    assert "Маркерович".encode() not in row and b"news.example" not in row
    assert "Маркерович" not in str(raw_extracted)
