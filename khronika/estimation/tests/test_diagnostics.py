"""R-hat and effective sample size: they must flag chains that disagree and reward independent draws."""

import numpy as np

from khronika.estimation import lcmcr


def test_rhat_is_near_one_for_chains_from_one_distribution_and_large_when_they_disagree():
    rng = np.random.default_rng(1)
    agreeing = rng.normal(size=(4, 1000))
    disagreeing = agreeing + np.arange(4)[:, None]

    assert abs(lcmcr.split_rhat(agreeing) - 1) < 0.01
    assert lcmcr.split_rhat(disagreeing) > 1.5


def test_ess_is_about_the_draw_count_for_independent_draws_and_small_for_sticky_ones():
    rng = np.random.default_rng(2)
    independent = rng.normal(size=(4, 1000))
    sticky = np.cumsum(rng.normal(size=(4, 1000)), axis=1)

    assert 3000 < lcmcr.effective_sample_size(independent) < 5000
    assert lcmcr.effective_sample_size(sticky) < 200
