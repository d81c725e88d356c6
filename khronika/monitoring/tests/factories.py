"""An article with one candidate, for tests that need a candidate but not the extractor."""

from __future__ import annotations

import json
from typing import Any

from khronika.accounts.models import Compartment
from khronika.monitoring import fingerprints
from khronika.monitoring.models import Article, Candidate

DEFAULT_TEXT = "В Махачкале задержали двух мужчин."


def candidate_in(
    compartment: Compartment, text: str = DEFAULT_TEXT, extracted: dict[str, Any] | None = None, **fields: Any
) -> Candidate:
    article = Article(
        compartment=compartment,
        origin=Article.Origin.HTML,
        url=fields.pop("url", "https://news.example.invalid/2025/11/makhachkala"),
        title=fields.pop("title", "Задержания в Махачкале"),
        text=text,
        sha256=fingerprints.sha256(text),
        language="ru",
        content_digest=fingerprints.content_digest(text),
        minhash=fingerprints.minhash(text),
        **fields,
    )
    article.save()
    candidate = Candidate(article=article, extracted=json.dumps(extracted or {}))
    candidate.save()
    return candidate
