"""A small run of the simulation study: the known total is recovered when the lists are independent."""

from khronika.estimation import lcmcr, simulation


def test_simulated_tables_hold_only_documented_cases_up_to_the_population():
    import numpy as np

    table = simulation.draw(simulation.SCENARIOS[0], np.random.default_rng(3))

    assert 0 < table.documented < simulation.SCENARIOS[0].size
    assert table.lists == ("list1", "list2", "list3", "list4")


def short_lcmcr(table, seed):
    result = lcmcr.estimate(table, seed=seed, iterations=1000, chains=2)
    return result.estimate, result.lower, result.upper


def test_both_methods_recover_the_total_of_independent_lists():
    estimators = {"loglinear_bic": simulation.loglinear_bic, "lcmcr": short_lcmcr}

    summaries = simulation.run(
        replicates=3, seed=5, scenarios=(simulation.SCENARIOS[0],), estimators=estimators
    )

    assert [summary.estimator for summary in summaries] == ["loglinear_bic", "lcmcr"]
    for summary in summaries:
        assert summary.refused == 0
        assert summary.coverage >= 0.75
        assert abs(summary.relative_bias) < 0.05


def test_a_refused_table_counts_as_a_miss():
    tiny = simulation.Scenario("tiny", "20 people", 20, (1.0,), ((0.3, 0.3, 0.3),))

    (summary,) = simulation.run(2, scenarios=(tiny,), estimators={"bic": simulation.loglinear_bic})

    assert summary.refused == 2
    assert summary.coverage == 0.0
