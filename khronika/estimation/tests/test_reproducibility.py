"""LCMCR with a seed gives the same draws again; another seed gives other draws."""

import numpy as np

from khronika.estimation import lcmcr


def test_the_same_seed_gives_the_same_draws(kosovo):
    first = lcmcr.estimate(kosovo, seed=11, iterations=600, chains=2)
    again = lcmcr.estimate(kosovo, seed=11, iterations=600, chains=2)

    np.testing.assert_array_equal(first.draws, again.draws)
    assert (first.estimate, first.lower, first.upper) == (again.estimate, again.lower, again.upper)


def test_another_seed_gives_other_draws(kosovo):
    first = lcmcr.estimate(kosovo, seed=11, iterations=600, chains=2)
    other = lcmcr.estimate(kosovo, seed=12, iterations=600, chains=2)

    assert not np.array_equal(first.draws, other.draws)


def test_chains_are_independent_streams(kosovo):
    result = lcmcr.estimate(kosovo, seed=11, iterations=600, chains=3)

    assert not np.array_equal(result.draws[0], result.draws[1])
