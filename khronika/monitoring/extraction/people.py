"""Named people, and whether the text says the name is changed or invented.

Russian names come from the natasha tagger (PER spans); English ones from a few patterns ("named
…", "call myself …", a name followed by "(not his real name)") and from transliterated Russian
surnames ("Ivan Petrov"). A name is flagged as a pseudonym when a phrase such as «имя изменено»,
"not his real name" or "name has been changed" stands near it in the same paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from khronika.monitoring.extraction.types import NamedPerson

_PSEUDONYM = re.compile(
    r"имя\s+(?:героя|героини|собеседника|собеседницы)?\s*изменено|имена\s+(?:\w+\s+)?изменены|"
    r"не\s+(?:настоящее|его|её|ее|мо[её])\s*(?:настоящее)?\s*имя|вымышленн\w+\s+им\w+|псевдоним|"
    r"not\s+(?:his|her|their|my|its)\s+real\s+names?|names?\s+(?:has|have)\s+been\s+changed|"
    r"names?\s+changed|pseudonym|call\s+(?:myself|him|her|them)|not\s+(?:his|her|their|my)\s+name",
    re.IGNORECASE,
)
_NAME = r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?"
_EN_PATTERNS = [
    re.compile(
        rf"\b(?:named|called|call\s+(?:myself|me|him|her)|name\s+is|known\s+as|I'm|I\s+am)\s+({_NAME})"
    ),
    re.compile(
        rf"\b({_NAME})\s*\((?:not\s+(?:his|her|their)\s+real\s+name|names?\s+(?:has\s+been\s+)?changed)"
    ),
    re.compile(
        r"\b([A-Z][a-z]+\s+[A-Z][a-z]+(?:ov|ova|ev|eva|in|ina|sky|skaya|skiy|enko|yan|ian|iev|ieva|uk|dze|shvili))\b"
    ),
]
_NOT_NAMES = {"Centre", "Center", "Police", "The", "Officers", "Article", "Criminal", "Monday", "Yes"}
NEAR = 160


@dataclass(frozen=True)
class PersonMention:
    value: NamedPerson
    start: int
    end: int
    confidence: float


def find_people(text: str, person_spans: list[tuple[int, int]], language: str) -> list[PersonMention]:
    """People named in ``text``: the tagger's spans for Russian, patterns for English."""
    spans: list[tuple[int, int, float]] = [(s, e, 0.75) for s, e in person_spans]
    if language == "en":
        for pattern in _EN_PATTERNS:
            for match in pattern.finditer(text):
                name = match.group(1)
                if name.split()[0] not in _NOT_NAMES:
                    spans.append((match.start(1), match.end(1), 0.6))
    people: list[PersonMention] = []
    seen: set[tuple[int, int]] = set()
    for start, end, confidence in sorted(spans):
        if any(s < end and start < e for s, e in seen):
            continue
        seen.add((start, end))
        name = text[start:end]
        people.append(
            PersonMention(NamedPerson(name, _is_pseudonym(text, start, end)), start, end, confidence)
        )
    return people


def _is_pseudonym(text: str, start: int, end: int) -> bool:
    window_start = max(text.rfind("\n\n", 0, start), start - NEAR, 0)
    paragraph_end = text.find("\n\n", end)
    window_end = min(end + NEAR, paragraph_end if paragraph_end != -1 else len(text))
    return bool(_PSEUDONYM.search(text, window_start, window_end))
