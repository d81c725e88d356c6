"""Where each detained person stands now, read from their timeline on a case."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from khronika.aid.models import Case, DetentionEvent
from khronika.records.models import Place


@dataclass(frozen=True)
class CurrentState:
    """The latest event of a person's timeline on a case, and since when the state it shows has held:
    "whereabouts unknown for 30 hours" counts from the disappearance, not from the latest note about it."""

    latest: DetentionEvent
    since: datetime
    # Where the person was last known to be (the latest event that names a place), if anywhere.
    place: Place | None

    @property
    def whereabouts_unknown(self) -> bool:
        return self.latest.kind == DetentionEvent.Kind.WHEREABOUTS_UNKNOWN

    @property
    def held(self) -> bool:
        return self.latest.kind not in DetentionEvent.ENDING and not self.whereabouts_unknown


def current_states(cases: Iterable[Case]) -> dict[tuple[str, str], CurrentState]:
    """{(case id, person id): state} for every person with a timeline on ``cases``."""
    events = DetentionEvent.objects.filter(case__in=list(cases)).order_by("occurred_at", "created_at")
    timelines: dict[tuple[str, str], list[DetentionEvent]] = {}
    for event in events.select_related("person", "place"):
        timelines.setdefault((str(event.case_id), str(event.person_id)), []).append(event)
    states = {}
    for key, timeline in timelines.items():
        latest = timeline[-1]
        unknown = latest.kind == DetentionEvent.Kind.WHEREABOUTS_UNKNOWN
        since = latest.occurred_at
        for event in reversed(timeline):
            if (event.kind == DetentionEvent.Kind.WHEREABOUTS_UNKNOWN) != unknown:
                break
            since = event.occurred_at
        places = [event.place for event in timeline if event.place_id is not None]
        states[key] = CurrentState(latest, since, places[-1] if places else None)
    return states
