"""Strata that cannot be estimated are refused and say why; nothing is stored for them."""

from khronika.estimation import instance
from khronika.estimation.models import Estimate


def test_it_refuses_with_fewer_than_three_lists_and_says_why(team, sources, victim_of):
    for _ in range(3):
        victim_of(sources["victim"], sources["lawyer"])

    outcome = instance.run(team.analyst, [team.home.id], iterations=200, chains=2)

    assert outcome.estimates == [] and not Estimate.objects.exists()
    refusal = next(r for r in outcome.run.refusal_messages() if r["dimension"] == "all")
    assert refusal["code"] == "too_few_lists"
    assert "at least 3 lists" in refusal["reason"] and "has 2" in refusal["reason"]
    assert {r["dimension"] for r in outcome.run.refusals} == {"all", "region", "year", "act_type"}


def test_it_says_there_is_nothing_to_estimate_when_no_victim_agreed(team, sources, victim_of):
    victim_of(sources["victim"], sources["lawyer"], sources["media-outlet"], consent=False)

    outcome = instance.run(team.analyst, [team.home.id])

    assert [r["code"] for r in outcome.run.refusals] == ["no_data"]
    assert outcome.run.left_out == 1
    assert "nothing to estimate" in outcome.run.refusal_messages()[0]["reason"]
