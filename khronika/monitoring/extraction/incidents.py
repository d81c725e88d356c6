"""Splitting an article into incidents and assembling each incident from the stages' findings.

An article may report several incidents (a monthly bulletin, "Separately, …"). A new incident starts
at a paragraph, or at a sentence opening with a cue such as «Кроме того» or "In another case", when
that paragraph reports an act in a region other than the current incident's, or gives a different
month after a list marker or cue. Anything else (a preamble, an interviewer's question, a later
sentence naming the law) belongs to the incident around it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from khronika.monitoring.extraction.counts import detention_days, victim_count
from khronika.monitoring.extraction.dates import DateMention, best_date, find_dates
from khronika.monitoring.extraction.legal import LegalMention, find_legal_articles
from khronika.monitoring.extraction.ner import Entities, entities
from khronika.monitoring.extraction.people import PersonMention, find_people
from khronika.monitoring.extraction.places import PlaceMention, find_places
from khronika.monitoring.extraction.rules import ACT_RULES, PERPETRATOR_RULES, RuleHit, apply_rules
from khronika.monitoring.extraction.text import Sentence, sentences
from khronika.monitoring.extraction.types import CandidateIncident, Extracted, IncidentDate, Span

_CUE = re.compile(
    r"^\s*(?:\d+[.)]|[•·▪\-–—*]|кроме\s+того|также|а\s+в|ещё|еще|в\s+другом\s+случае|другой\s+случай|"
    r"separately|in\s+another|another|also|meanwhile|in\s+a\s+separate|elsewhere)",
    re.IGNORECASE,
)
_HINT = 0.5  # place mentions below this confidence (adjectives such as «чеченский») are only hints


@dataclass
class _Unit:
    """One sentence and what the stages found in it."""

    sentence: Sentence
    places: list[PlaceMention]
    dates: list[DateMention]
    acts: list[RuleHit]
    starts_paragraph: bool
    cue: bool

    @property
    def regions(self) -> list[str]:
        return [p.place.region for p in self.places if p.confidence >= _HINT]


@dataclass
class _Block:
    units: list[_Unit] = field(default_factory=list)

    @property
    def acts(self) -> list[RuleHit]:
        return [a for u in self.units for a in u.acts]

    @property
    def regions(self) -> set[str]:
        return {r for u in self.units for r in u.regions}

    @property
    def months(self) -> set[str]:
        return {d.value.iso[:7] for u in self.units for d in u.dates if not d.dateline}

    @property
    def start(self) -> int:
        return self.units[0].sentence.start

    @property
    def end(self) -> int:
        return self.units[-1].sentence.end


def build_incidents(text: str, published: date | None, language: str) -> list[CandidateIncident]:
    """The candidate incidents of one article, in the order the text reports them."""
    sents = sentences(text)
    if not sents:
        return []
    found = entities(text) if language == "ru" else Entities([], [])
    all_tokens = [t for s in sents for t in s.tokens]
    places = find_places(all_tokens, found.locations)
    dates = find_dates(text, published, language)
    units = [_unit(text, s, sents, places, dates, language) for s in sents]
    blocks = _split(units)
    legal = find_legal_articles(text)
    people = find_people(text, found.people, language)
    first_region = next((p for p in places if p.confidence >= _HINT), None) or (places[0] if places else None)
    dateline_end = max((d.end for d in dates if d.dateline), default=0)
    incidents = []
    for block in blocks:
        incident = _assemble(block, legal, people, first_region, published, language, dateline_end)
        if incident.act_types or incident.region or incident.legal_articles:
            incidents.append(incident)
    return incidents


def _unit(
    text: str,
    sentence: Sentence,
    sents: list[Sentence],
    places: list[PlaceMention],
    dates: list[DateMention],
    language: str,
) -> _Unit:
    inside = [p for p in places if sentence.start <= p.start < sentence.end + 1]
    in_dates = [d for d in dates if sentence.start <= d.start <= sentence.end]
    first = sentence.index == 0 or sents[sentence.index - 1].paragraph != sentence.paragraph
    cue = bool(_CUE.match(text[sentence.start : sentence.end]))
    return _Unit(sentence, inside, in_dates, apply_rules(ACT_RULES[language], sentence.tokens), first, cue)


def _split(units: list[_Unit]) -> list[_Block]:
    blocks = [_Block()]
    for index, unit in enumerate(units):
        current = blocks[-1]
        if current.units and current.acts and (unit.starts_paragraph or unit.cue):
            paragraph = [u for u in units[index:] if u.sentence.paragraph == unit.sentence.paragraph]
            reports_act = any(u.acts for u in paragraph)
            new_regions = {r for u in paragraph for r in u.regions}
            months = {d.value.iso[:7] for u in paragraph[:1] for d in u.dates if not d.dateline}
            other_place = bool(new_regions) and not (new_regions & current.regions)
            other_month = bool(months) and bool(current.months) and not (months & current.months) and unit.cue
            if reports_act and (other_place or other_month):
                blocks.append(_Block())
        blocks[-1].units.append(unit)
    return [b for b in blocks if b.units]


def _span(start: int, end: int) -> tuple[Span, ...]:
    return (Span(start, end),)


def _assemble(
    block: _Block,
    legal: list[LegalMention],
    people: list[PersonMention],
    fallback_place: PlaceMention | None,
    published: date | None,
    language: str,
    dateline_end: int,
) -> CandidateIncident:
    incident = CandidateIncident()
    mentions = [p for u in block.units for p in u.places]
    strong = [p for p in mentions if p.confidence >= _HINT] or mentions
    if strong:
        counts = Counter(p.place.region for p in strong)
        region = max(
            counts, key=lambda r: (counts[r], -next(i for i, p in enumerate(strong) if p.place.region == r))
        )
        chosen = [p for p in strong if p.place.region == region]
        incident.region = Extracted(
            region, tuple(Span(p.start, p.end) for p in chosen), max(p.confidence for p in chosen)
        )
        # The dateline names where the agency filed from; a town in the story itself says more.
        towns = [p for p in chosen if p.is_town]
        town = next((p for p in towns if p.start >= dateline_end), towns[0] if towns else None)
        if town:
            incident.town = Extracted(town.place.name_ru, _span(town.start, town.end), town.confidence)
    elif fallback_place is not None:
        place = fallback_place
        incident.region = Extracted(place.place.region, _span(place.start, place.end), place.confidence * 0.6)
    chosen_date = best_date([d for u in block.units for d in u.dates])
    if chosen_date is not None:
        incident.date = Extracted(
            chosen_date.value, _span(chosen_date.start, chosen_date.end), chosen_date.confidence
        )
    elif published is not None:
        # Nothing in the text dates it: news is usually about the month it appears in.
        incident.date = Extracted(IncidentDate(published.isoformat()[:7], "month"), (), 0.3)
    incident.act_types = _unique(block.acts)
    tokens = [u.sentence.tokens for u in block.units]
    victims = victim_count(tokens)
    if victims is not None:
        incident.victim_count = Extracted(
            victims.value, _span(victims.start, victims.end), victims.confidence
        )
    days = detention_days(tokens)
    if days is not None:
        incident.detention_days = Extracted(days.value, _span(days.start, days.end), days.confidence)
    perpetrators = [
        h for u in block.units for h in apply_rules(PERPETRATOR_RULES[language], u.sentence.tokens)
    ]
    incident.perpetrator_types = _unique(perpetrators)
    incident.people = [
        Extracted(p.value, _span(p.start, p.end), p.confidence)
        for p in people
        if block.start <= p.start < block.end
    ]
    incident.legal_articles = _unique(
        [RuleHit(m.code, m.start, m.end, m.confidence) for m in legal if block.start <= m.start < block.end]
    )
    return incident


def _unique(hits: list[RuleHit]) -> list[Extracted[str]]:
    """One value per code, with every span that gave it and the best confidence."""
    by_code: dict[str, list[RuleHit]] = {}
    for hit in hits:
        by_code.setdefault(hit.code, []).append(hit)
    return [
        Extracted(code, tuple(Span(h.start, h.end) for h in group), max(h.confidence for h in group))
        for code, group in by_code.items()
    ]
