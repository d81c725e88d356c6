"""The same article twice is recognised; a reprint with small edits is kept as a reprint, not a new
candidate; articles of other compartments are never compared with (that would reveal them)."""

import pytest

from khronika.monitoring import fingerprints
from khronika.monitoring.importers import Batch, Item
from khronika.monitoring.models import Article, ArticleBand, Candidate
from khronika.monitoring.services import import_batch

pytestmark = pytest.mark.django_db

ORIGINAL = (
    "Сотрудники полиции задержали в Махачкале двух мужчин после проверки их телефонов. "
    "По словам правозащитников, задержанных продержали в отделе двое суток, угрожали и требовали "
    "назвать имена знакомых. Один из них позже уехал из республики. Адвокат синтетической группы "
    "подал жалобу в прокуратуру, ответа пока нет."
)
REPRINT = (
    "Как сообщает синтетическая правозащитная группа, сотрудники полиции задержали в Махачкале двух "
    "мужчин после проверки их телефонов. По словам правозащитников, задержанных продержали в отделе "
    "двое суток, угрожали и требовали назвать имена знакомых. Один из них позже уехал из республики. "
    "Адвокат синтетической группы подал жалобу в прокуратуру, ответа пока нет. Фото: архив."
)
OTHER = (
    "В Казани суд оштрафовал синтетического активиста за публикацию в социальной сети. Штраф составил "
    "пятьдесят тысяч рублей, активист намерен обжаловать решение в вышестоящем суде."
)


def _import(compartment, *texts_and_urls):
    items = [Item(label=f"entry {n}", text=text, url=url) for n, (text, url) in enumerate(texts_and_urls, 1)]
    return import_batch(Batch(items=items), compartment=compartment, kind="feed")


def test_the_same_article_arriving_twice_is_recognised(team, extractor):
    _import(team.home, (ORIGINAL, "https://a.example.invalid/1"))

    again = _import(
        team.home,
        (ORIGINAL, "https://a.example.invalid/1"),  # the same address
        ("«" + ORIGINAL.upper() + "»", "https://b.example.invalid/7"),  # the same words, other markup
        (
            "A different text entirely, published at the same address later.",
            "https://a.example.invalid/1/?utm_source=tg",
        ),
    )

    assert (again.imported, again.duplicates) == (0, 3)
    assert Article.objects.count() == 1


def test_a_reprint_with_small_edits_is_kept_as_a_reprint_without_new_candidates(team, extractor):
    _import(team.home, (ORIGINAL, "https://a.example.invalid/1"))

    report = _import(
        team.home, (REPRINT, "https://b.example.invalid/2"), (OTHER, "https://c.example.invalid/3")
    )

    assert (report.imported, report.reprints, report.candidates) == (2, 1, 1)
    reprint = Article.objects.get(reprint_of__isnull=False)
    assert reprint.url == "https://b.example.invalid/2"
    assert reprint.reprint_of.url == "https://a.example.invalid/1"
    assert reprint.similarity >= fingerprints.REPRINT_SIMILARITY
    assert not Candidate.objects.filter(article=reprint).exists()


def test_similarity_separates_reprints_from_other_articles():
    assert fingerprints.similarity(fingerprints.minhash(ORIGINAL), fingerprints.minhash(REPRINT)) >= 0.6
    assert fingerprints.similarity(fingerprints.minhash(ORIGINAL), fingerprints.minhash(OTHER)) < 0.2


def test_articles_of_another_compartment_are_not_compared_with(team, extractor):
    """Threat model 3: if an import into one compartment were marked a duplicate of an article in
    another, its team would learn that the other holds that article."""
    _import(team.elsewhere, (ORIGINAL, "https://a.example.invalid/1"))

    report = _import(team.home, (ORIGINAL, "https://a.example.invalid/1"))

    assert (report.imported, report.duplicates, report.reprints) == (1, 0, 0)


def test_the_stored_fingerprints_cannot_be_matched_without_the_vault_key(team, extractor):
    """Threat model 1: a seized database must not confirm that we kept a given published article.
    Nothing stored in the clear equals a plain hash of its address or text."""
    import hashlib

    _import(team.home, (ORIGINAL, "https://a.example.invalid/1"))
    article = Article.objects.get()
    plain = {
        hashlib.sha256(ORIGINAL.encode()).hexdigest(),
        hashlib.sha256(fingerprints.normalize_text(ORIGINAL).encode()).hexdigest(),
        hashlib.sha256(b"https://a.example.invalid/1").hexdigest(),
    }
    stored = {article.url_digest, article.content_digest} | set(
        ArticleBand.objects.values_list("value", flat=True)
    )
    assert not any(p.startswith(str(s)) or str(s) in p for p in plain for s in stored)
    # The provenance hash is there for reviewers, but encrypted.
    raw = Article.objects.filter(id=article.id).values_list("sha256", flat=True).get()
    assert hashlib.sha256(ORIGINAL.encode()).hexdigest() not in str(raw)
