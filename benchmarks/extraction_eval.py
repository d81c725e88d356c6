"""How well extraction reads the labelled articles, and how fast, on one core.

Usage (from the repository root)::

    .venv/bin/python -m benchmarks.extraction_eval [--quick]

The articles are synthetic news items (Russian and English) under
``khronika/monitoring/tests/data/articles/``: ``tuning/`` is the part the rules were written against,
``heldout/`` a third written first and never looked at while writing rules. Each folder's
``truth.json`` gives, per article, its publication date and the incidents it reports. Predicted
incidents are paired with true ones (same region first, then month, then shared act types), and for
each set (``tuning``, ``heldout``, ``all``) it prints precision, recall and F1 per field, the accuracy
of the incident month, the exact date, the victim count and the days held, and the share of articles
split into the right number of incidents. Speed is articles per second in this single process
(numerical libraries limited to one thread), models already loaded. ``--quick`` times one pass over
the articles instead of five.

Targets, on all articles: region F1 ≥ 0.90, act-type micro-F1 ≥ 0.80, month accuracy ≥ 0.85,
victim count accuracy ≥ 0.85, ≥ 10 articles per second. The last line printed is one JSON object with
every figure and ``targets_met``; the held-out figures are reported beside them (``heldout_targets_met``).
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # one core, as the target says

import argparse  # noqa: E402  # the thread limits must be set before numpy loads
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from khronika.monitoring.extraction import extract  # noqa: E402
from khronika.monitoring.extraction.text import lemma, lemmas  # noqa: E402
from khronika.monitoring.extraction.types import CandidateIncident  # noqa: E402

ARTICLES = Path(__file__).resolve().parent.parent / "khronika" / "monitoring" / "tests" / "data" / "articles"
SETS = ("tuning", "heldout")
TARGETS = {"region_f1": 0.90, "act_micro_f1": 0.80, "month_accuracy": 0.85, "victim_accuracy": 0.85}
SPEED_TARGET = 10.0


@dataclass
class Article:
    name: str
    text: str
    published: date
    language: str
    truth: list[dict[str, Any]]


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def figures(self) -> dict[str, float]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


@dataclass
class Score:
    fields: dict[str, Tally] = field(
        default_factory=lambda: {k: Tally() for k in ("region", "town", "acts", "victims", "days")}
    )
    hits: dict[str, list[bool]] = field(
        default_factory=lambda: {k: [] for k in ("month", "date", "victims", "days", "incident_count")}
    )

    def result(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            f"{name}_{k}": v for name, t in self.fields.items() for k, v in t.figures().items()
        }
        for name, values in self.hits.items():
            out[f"{name}_accuracy"] = round(sum(values) / len(values), 3) if values else 0.0
        out["region_f1"], out["act_micro_f1"] = out["region_f1"], out["acts_f1"]
        out["victim_accuracy"] = out["victims_accuracy"]
        return out


def load(folder: Path) -> list[Article]:
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    return [
        Article(
            name,
            (folder / name).read_text(encoding="utf-8"),
            date.fromisoformat(t["published"]),
            t["language"],
            t["incidents"],
        )
        for name, t in sorted(truth.items())
    ]


def _predicted(incident: CandidateIncident) -> dict[str, Any]:
    return {
        "region": incident.region.value if incident.region else None,
        "town": incident.town.value if incident.town else None,
        "date": incident.date.value.iso if incident.date else None,
        "acts": {a.value for a in incident.act_types},
        "victims": incident.victim_count.value if incident.victim_count else None,
        "detention_days": incident.detention_days.value if incident.detention_days else None,
    }


def _pair_score(p: dict[str, Any], t: dict[str, Any]) -> float:
    acts = p["acts"] | set(t["acts"])
    overlap = len(p["acts"] & set(t["acts"])) / len(acts) if acts else 0.0
    same_month = bool(p["date"]) and p["date"][:7] == t["date"][:7]
    same_region = bool(p["region"] == t["region"])
    return 2.0 * same_region + 1.0 * same_month + overlap


def pair(predicted: list[dict[str, Any]], truth: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Greedy one-to-one pairing of predicted with true incidents, best-matching pairs first."""
    scored = sorted(
        ((_pair_score(p, t), i, j) for i, p in enumerate(predicted) for j, t in enumerate(truth)),
        reverse=True,
    )
    used_p: set[int] = set()
    used_t: set[int] = set()
    pairs = []
    for score, i, j in scored:
        if score > 0 and i not in used_p and j not in used_t:
            pairs.append((i, j))
            used_p.add(i)
            used_t.add(j)
    return pairs


def _tally_value(tally: Tally, p: Any, t: Any) -> None:
    if p is not None and p == t:
        tally.tp += 1
        return
    if p is not None:
        tally.fp += 1
    if t is not None:
        tally.fn += 1


def score_article(score: Score, predicted: list[dict[str, Any]], truth: list[dict[str, Any]]) -> None:
    pairs = pair(predicted, truth)
    score.hits["incident_count"].append(len(predicted) == len(truth))
    matched_p = {i for i, _ in pairs}
    matched_t = {j: i for i, j in pairs}
    for j, t in enumerate(truth):
        p = (
            predicted[matched_t[j]]
            if j in matched_t
            else {
                "region": None,
                "town": None,
                "date": None,
                "acts": set(),
                "victims": None,
                "detention_days": None,
            }
        )
        _tally_value(score.fields["region"], p["region"], t["region"])
        _tally_value(score.fields["town"], p["town"], t["town"])
        _tally_value(score.fields["victims"], p["victims"], t["victims"])
        _tally_value(score.fields["days"], p["detention_days"], t["detention_days"])
        acts = score.fields["acts"]
        acts.tp += len(p["acts"] & set(t["acts"]))
        acts.fp += len(p["acts"] - set(t["acts"]))
        acts.fn += len(set(t["acts"]) - p["acts"])
        score.hits["month"].append(bool(p["date"]) and p["date"][:7] == t["date"][:7])
        score.hits["date"].append(p["date"] == t["date"])
        if t["victims"] is not None:
            score.hits["victims"].append(p["victims"] == t["victims"])
        if t["detention_days"] is not None:
            score.hits["days"].append(p["detention_days"] == t["detention_days"])
    for i, p in enumerate(predicted):
        if i not in matched_p:
            for name in ("region", "town", "victims"):
                if p[name] is not None:
                    score.fields[name].fp += 1
            if p["detention_days"] is not None:
                score.fields["days"].fp += 1
            score.fields["acts"].fp += len(p["acts"])


def evaluate(articles: list[Article], verbose: bool) -> dict[str, Any]:
    score = Score()
    for article in articles:
        result = extract(article.text, published=article.published, language=article.language)
        predicted = [_predicted(i) for i in result.incidents]
        score_article(score, predicted, article.truth)
        if verbose:
            print(f"{article.name}: {len(predicted)} predicted, {len(article.truth)} true")
            for p in predicted:
                print(
                    "   got ",
                    p["date"],
                    p["region"],
                    p["town"],
                    sorted(p["acts"]),
                    p["victims"],
                    p["detention_days"],
                )
            for t in article.truth:
                print(
                    "   want",
                    t["date"],
                    t["region"],
                    t["town"],
                    sorted(t["acts"]),
                    t["victims"],
                    t["detention_days"],
                )
    return score.result()


def speed(articles: list[Article], passes: int) -> float:
    """Articles per second; the word caches are emptied first, so the scoring passes do not help."""
    lemma.cache_clear()
    lemmas.cache_clear()
    started = time.perf_counter()
    for _ in range(passes):
        for article in articles:
            extract(article.text, published=article.published, language=article.language)
    return passes * len(articles) / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="time one pass over the articles, not five")
    parser.add_argument("--set", choices=SETS, help="only this set (and print every article's candidates)")
    args = parser.parse_args(argv)
    sets = {name: load(ARTICLES / name) for name in SETS}
    started = time.perf_counter()
    extract("Прогрев: полиция задержала человека в Казани.", published=date(2026, 1, 1))  # load the models
    print(f"models loaded in {time.perf_counter() - started:.1f} s", flush=True)
    if args.set:
        print(json.dumps(evaluate(sets[args.set], verbose=True), indent=1))
        return 0
    figures: dict[str, Any] = {}
    for name in (*SETS, "all"):
        articles = sets[name] if name in sets else [a for s in sets.values() for a in s]
        result = evaluate(articles, verbose=False)
        print(
            f"{name}: {len(articles)} articles, "
            + ", ".join(f"{k} {result[k]}" for k in (*TARGETS, "date_accuracy", "incident_count_accuracy")),
            flush=True,
        )
        figures[name] = result
        figures[name]["articles"] = len(articles)
    everything = [a for s in sets.values() for a in s]
    rate = speed(everything, 1 if args.quick else 5)
    print(f"speed: {rate:.1f} articles/s on one core", flush=True)
    met = all(figures["all"][k] >= v for k, v in TARGETS.items()) and rate >= SPEED_TARGET
    heldout_met = all(figures["heldout"][k] >= v for k, v in TARGETS.items())
    summary = {
        "benchmark": "extraction_eval",
        "quick": args.quick,
        **{k: figures["all"][k] for k in TARGETS},
        "articles_per_second": round(rate, 1),
        "heldout": {k: figures["heldout"][k] for k in TARGETS},
        "sets": figures,
        "heldout_targets_met": heldout_met,
        "targets_met": met,
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
