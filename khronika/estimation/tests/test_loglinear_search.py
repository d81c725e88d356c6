"""Which log-linear models are compared: all hierarchical ones for 3 lists, a stepwise path for 5."""

import numpy as np
import pytest

from khronika.estimation import loglinear, simulation
from khronika.estimation.histories import EstimationRefused


def test_three_lists_compare_all_eight_hierarchical_models():
    scenario = simulation.Scenario("three", "", 1500, (1.0,), ((0.3, 0.25, 0.35),))
    table = simulation.draw(scenario, np.random.default_rng(1))

    result = loglinear.estimate(table)

    assert result.search == "all"
    assert result.models_compared == 8
    assert result.lower < 1500 < result.upper


def test_five_lists_search_stepwise_and_find_a_referral_between_two_lists():
    scenario = simulation.Scenario(
        "five", "", 3000, (1.0,), ((0.3, 0.2, 0.25, 0.2, 0.3),), dependence=(0, 1, 0.6, 0.1)
    )
    table = simulation.draw(scenario, np.random.default_rng(2))

    result = loglinear.estimate(table, "aic")

    assert result.search == "stepwise"
    assert 10 < result.models_compared < 2**10
    assert (0, 1) in result.terms
    assert result.lower < 3000 < result.upper


def test_a_term_for_two_lists_that_share_no_case_is_never_fitted():
    table = loglinear.CaptureHistories(
        ("a", "b", "c"),
        np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [0, 1, 1]], dtype=np.int8),
        np.array([200, 150, 100, 30, 25]),
    )

    patterns, counts = table.full_table()
    fitter = loglinear.Fitter(patterns, counts)
    fitted = [terms for terms in loglinear.hierarchical_models(3, 2) if fitter.fit(terms) is not None]

    assert len(fitted) == 4 and not any((0, 1) in terms for terms in fitted)
    # With no case on a and b together, the models that fit put the total beyond any sensible number.
    with pytest.raises(EstimationRefused) as refused:
        loglinear.estimate(table)
    assert refused.value.code == "no_upper_limit"
