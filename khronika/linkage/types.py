"""The data that goes into linkage and what comes out: plain dataclasses, no Django, no Splink.

A second stage (the review screen, the exchange between organisations) builds on these alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

REVIEW_BAND = (0.4, 0.97)
"""Pairs whose probability falls in this band are shown to a reviewer, whichever side they fell on.
Here, not in ``model``, so that the review pages can know it without loading Splink and DuckDB."""


@dataclass(frozen=True)
class PersonRecord:
    """One mention of a person by one source, with the columns of the person CSV (docs/data-format.md).

    Every field may be empty. ``birth_date`` and ``incident_date`` are ISO 8601 strings that may hold
    only a year or a year and month; ``region`` is an ISO 3166-2 code or a name in any script.
    ``identifiers`` holds further fields a source gives (a document number, an address) as name →
    value; the model compares each name present on both sides as text. It is not a CSV column.
    """

    record_id: str
    given_name: str = ""
    family_name: str = ""
    patronymic: str = ""
    birth_date: str = ""
    age: int | None = None
    incident_date: str = ""
    region: str = ""
    town: str = ""
    source: str = ""
    identifiers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class IncidentRecord:
    """One report of an incident by one source, with the columns of the incident CSV (docs/data-format.md).

    ``date`` is an ISO 8601 string that may hold only a year or a year and month; ``region`` and
    ``town`` are written as for persons. ``act_types`` are act-type codes (``act_type`` vocabulary);
    ``persons`` are keys that name the same person in every report (cluster ids of the person
    linkage, or any such ids), never names. Here rather than in ``incident_model`` so that reading
    the CSV need not load Splink.
    """

    record_id: str
    date: str = ""
    region: str = ""
    town: str = ""
    act_types: tuple[str, ...] = ()
    persons: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class ClusterAssignment:
    """Which cluster (one presumed person) a record was put in, and how sure the model is.

    ``match_probability``: for a record in a cluster of two or more, the highest probability of a
    pair joining it to another member; for a record left alone, one minus the highest probability
    of any pair it was part of (1.0 when no other record came close).
    """

    record_id: str
    cluster_id: str
    match_probability: float


@dataclass(frozen=True)
class UncertainPair:
    """A pair of records the model can neither join nor keep apart with confidence: for a human."""

    record_id_left: str
    record_id_right: str
    match_probability: float


@dataclass(frozen=True)
class LinkageResult:
    """Everything one run of the model gives: clusters and the pairs that need a reviewer."""

    assignments: list[ClusterAssignment]
    uncertain_pairs: list[UncertainPair]
