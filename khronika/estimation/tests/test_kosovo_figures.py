"""The published Kosovo figures: the log-linear one exactly, LCMCR inside the published interval."""

from khronika.estimation import lcmcr, loglinear


def test_bic_loglinear_reproduces_the_published_14342(kosovo):
    result = loglinear.estimate(kosovo, "bic")

    assert round(result.estimate) == 14_342
    assert result.model == "EXH*ABA + EXH*OSCE + EXH*HRW + ABA*OSCE + OSCE*HRW"
    assert result.models_compared == 64
    assert result.search == "all"


def test_the_profile_interval_surrounds_the_estimate_and_starts_above_the_documented(kosovo):
    result = loglinear.estimate(kosovo, "bic")

    assert kosovo.documented < result.lower < result.estimate < result.upper
    assert (round(result.lower), round(result.upper)) == (12_525, 16_543)


def test_lcmcr_median_falls_within_the_published_interval(kosovo):
    result = lcmcr.estimate(kosovo, seed=20261125, iterations=4000, chains=2)

    assert 9_002 <= result.estimate <= 12_122
    assert result.lower < result.estimate < result.upper
    assert result.draws.shape == (2, 2000)
