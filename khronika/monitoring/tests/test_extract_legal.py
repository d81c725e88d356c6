"""Legal articles cited in the text, mapped to the legal-article vocabulary's codes."""

import pytest

from khronika.monitoring.extraction.legal import find_legal_articles


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Её оштрафовали по ст. 6.21 КоАП.", "koap-6.21"),
        ("Дело возбуждено по ч. 2 ст. 282.2 УК РФ.", "uk-282.2"),
        ("Его арестовали по статье 19.3 Кодекса об административных правонарушениях.", "koap-19.3"),
        ("He was charged under Article 242 of the Criminal Code.", "uk-242"),
        ("She was fined under Article 6.21 of the Code of Administrative Offences.", "koap-6.21"),
        ("Art. 6.21 CAO", "koap-6.21"),
    ],
)
def test_it_maps_cited_articles_to_the_vocabulary(text: str, code: str) -> None:
    found = find_legal_articles(text)
    assert [m.code for m in found] == [code]
    assert text[found[0].start : found[0].end].lower().startswith(("ст", "ч", "art"))


def test_it_ignores_articles_the_vocabulary_does_not_know() -> None:
    assert find_legal_articles("по ст. 999.9 УК РФ") == []


def test_it_maps_an_article_without_its_code_only_when_one_code_has_that_number() -> None:
    found = find_legal_articles("по статье 282.2")
    assert [m.code for m in found] == ["uk-282.2"] and found[0].confidence < 0.9
