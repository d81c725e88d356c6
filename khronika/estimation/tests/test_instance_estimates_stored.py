"""A run estimates every stratum it can and stores the figures, ledgered and free of any name."""

from khronika.estimation import instance
from khronika.estimation.models import Estimate
from khronika.ledger.models import LedgerEntry
from khronika.testing.factories import IncidentFactory, place

# 60 people on three lists, 18 of them on more than one (enough for the refusal thresholds).
PATTERNS = {
    ("victim",): 15,
    ("lawyer",): 15,
    ("media-outlet",): 12,
    ("victim", "lawyer"): 6,
    ("victim", "media-outlet"): 5,
    ("lawyer", "media-outlet"): 4,
    ("victim", "lawyer", "media-outlet"): 3,
}


def test_a_run_stores_each_methods_estimate_with_its_interval(team, sources, victim_of):
    incident = IncidentFactory(compartment=team.home, place=place("RU-DA"))
    for lists, n in PATTERNS.items():
        for _ in range(n):
            victim_of(*(sources[name] for name in lists), incident=incident)

    outcome = instance.run(team.analyst, [team.home.id], iterations=1000, chains=2)

    overall = {e.method: e for e in outcome.estimates if e.dimension == "all"}
    assert set(overall) == {"averaged", "loglinear", "lcmcr"}
    for estimate in overall.values():
        assert estimate.documented == 60 and estimate.on_several_lists == 18
        assert estimate.lists == ["lawyer", "media-outlet", "victim"]
        assert 60 <= estimate.lower <= estimate.estimate
        assert estimate.upper is None or estimate.upper >= estimate.estimate
        assert not estimate.published
    assert overall["lcmcr"].diagnostics["chains"] == 2
    assert {(e.dimension, e.stratum) for e in outcome.estimates} >= {
        ("region", "RU-DA"),
        ("year", str(incident.date_start.year)),
    }
    assert Estimate.objects.count() == len(outcome.estimates)
    ledgered = set(
        LedgerEntry.objects.filter(object_type="estimation.estimate", action="create").values_list(
            "object_id", flat=True
        )
    )
    assert ledgered == {str(e.id) for e in outcome.estimates}
    assert LedgerEntry.objects.filter(
        object_type="estimation.estimationrun", object_id=str(outcome.run.id)
    ).exists()
    stored = str(list(Estimate.objects.values())) + str(outcome.run.refusals)
    assert incident.reference not in stored and "Synthetic" not in stored
