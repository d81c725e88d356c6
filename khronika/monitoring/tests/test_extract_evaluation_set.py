"""The labelled evaluation set (benchmarks/extraction_eval.py) is the size and shape the issue asks."""

import csv
import json
from pathlib import Path

from khronika.monitoring.extraction.places import GAZETTEER_FILE

ARTICLES = Path(__file__).parent / "data" / "articles"
VOCABULARY = Path(__file__).resolve().parents[2] / "records" / "data" / "vocabularies" / "act_type.json"


def _truth() -> dict[str, dict]:
    return {
        name: json.loads((ARTICLES / name / "truth.json").read_text(encoding="utf-8"))
        for name in ("tuning", "heldout")
    }


def _codes(terms: list[dict]) -> set[str]:
    return {t["code"] for t in terms} | {c for t in terms for c in _codes(t.get("children", []))}


def test_it_has_sixty_articles_half_russian_with_a_held_out_third() -> None:
    truth = _truth()
    everything = [*truth["tuning"].values(), *truth["heldout"].values()]
    assert len(everything) >= 60
    assert sum(t["language"] == "ru" for t in everything) * 2 == len(everything)
    assert len(truth["heldout"]) * 3 >= len(everything)
    assert any(len(t["incidents"]) > 1 for t in truth["heldout"].values())
    for folder, articles in truth.items():
        assert sorted(p.name for p in (ARTICLES / folder).glob("*.txt")) == sorted(articles)


def test_every_true_value_is_a_known_code() -> None:
    with GAZETTEER_FILE.open(encoding="utf-8") as handle:
        places = {row["code"]: row for row in csv.DictReader(handle)}
    acts = _codes(json.loads(VOCABULARY.read_text(encoding="utf-8"))["terms"])
    for articles in _truth().values():
        for article in articles.values():
            for incident in article["incidents"]:
                assert places[incident["region"]]["kind"] == "region"
                assert set(incident["acts"]) <= acts
                assert incident["date"] <= article["published"]
                if incident["town"]:
                    assert incident["town"] in {
                        r["name_ru"] for r in places.values() if r["parent"] == incident["region"]
                    }
