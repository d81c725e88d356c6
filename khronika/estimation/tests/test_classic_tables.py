"""Classic published capture-recapture tables: each published log-linear figure reproduced.

Tolerance: the publications print estimates as whole numbers and deviances to one or two decimals, so
each test rounds our figure to the printed precision and asserts equality, i.e. ours is within half a
unit of the last printed digit. A looser bound would let a wrong table or model pass; a tighter one
would ask for digits the publication does not give. Sources and the figures that were not reproduced
are in khronika/estimation/data/README.md.
"""

from pathlib import Path

import numpy as np
import pytest

from khronika.estimation import histories, lcmcr, loglinear

DATA = Path(__file__).resolve().parent.parent / "data"
GOLD_STANDARD = 237
"""Occupational deaths in Maryland found by Cormack, Chang and Smith (2000) from medical examiner records."""


def without(table, name):
    """The table as it would have been without the list ``name``: its cases found by no other list vanish."""
    keep = [i for i, list_name in enumerate(table.lists) if list_name != name]
    merged: dict[tuple[int, ...], int] = {}
    for pattern, count in zip(table.patterns[:, keep].tolist(), table.counts.tolist(), strict=True):
        if any(pattern):
            merged[tuple(pattern)] = merged.get(tuple(pattern), 0) + count
    return histories.CaptureHistories(
        tuple(table.lists[i] for i in keep),
        np.array(list(merged), dtype=np.int8),
        np.array(list(merged.values()), dtype=np.int64),
    )


@pytest.fixture
def diabetes():
    return histories.read_csv(DATA / "diabetes_casale_4lists.csv")


@pytest.fixture
def darroch():
    return histories.read_csv(DATA / "darroch_r3_3lists.csv")


@pytest.fixture
def deaths():
    return histories.read_csv(DATA / "industrial_deaths_maryland_4lists.csv")


def test_the_shipped_tables_hold_the_published_numbers_of_people(diabetes, darroch, deaths):
    assert (diabetes.documented, darroch.documented, deaths.documented) == (2_069, 414, 215)
    assert without(deaths, "DC").documented == 201


def test_diabetes_model_without_s1_s4_reproduces_the_published_2771(diabetes):
    pairs = [("S1", "S2"), ("S1", "S3"), ("S2", "S3"), ("S2", "S4"), ("S3", "S4")]
    result = loglinear.fit(diabetes, pairs)

    assert round(result.estimate) == 2_771
    assert round(result.deviance, 2) == 7.62
    assert result.residual_df == 5
    assert (result.search, result.models_compared) == ("given", 1)


def test_diabetes_rivest_interaction_set_reproduces_the_published_2472(diabetes):
    result = loglinear.fit(diabetes, [("S1", "S3"), ("S2", "S4"), ("S3", "S4")])

    assert round(result.estimate) == 2_472
    assert round(result.deviance, 2) == 21.97
    assert result.residual_df == 7


def test_bic_search_on_the_diabetes_table_chooses_the_published_model(diabetes):
    result = loglinear.estimate(diabetes, "bic")

    assert result.model == "S1*S2 + S1*S3 + S2*S3 + S2*S4 + S3*S4"
    assert (round(result.lower), round(result.upper)) == (2_528, 3_104)


def test_darroch_saturated_model_reproduces_the_published_1240(darroch):
    result = loglinear.fit(darroch, [("E1", "E2"), ("E1", "E3"), ("E2", "E3")])

    assert round(result.estimate) == 1_240
    assert result.residual_df == 0


def test_darroch_model_without_e1_e3_reproduces_the_published_850(darroch):
    result = loglinear.fit(darroch, [("E2", "E3"), ("E1", "E2")])

    assert round(result.estimate) == 850
    assert round(result.deviance, 1) == 3.8
    assert result.residual_df == 1


@pytest.mark.parametrize(
    ("pairs", "published", "deviance", "df"),
    [
        ([], 215, 87.1, 10),
        ([("WCC", "MOSH")], 215, None, 9),
        ([("DC", "WCC"), ("WCC", "MOSH")], None, 7.7, 8),
        ([("DC", "NTOF"), ("DC", "WCC"), ("WCC", "MOSH")], 218, 2.6, 7),
    ],
)
def test_four_list_deaths_models_reproduce_the_published_table_3a(deaths, pairs, published, deviance, df):
    result = loglinear.fit(deaths, pairs)

    if published is not None:
        assert round(result.estimate) == published
    if deviance is not None:
        assert round(result.deviance, 1) == deviance
    assert result.residual_df == df


@pytest.mark.parametrize(
    "pairs",
    [
        [("DC", "NTOF"), ("DC", "WCC"), ("DC", "MOSH"), ("NTOF", "WCC"), ("NTOF", "MOSH"), ("WCC", "MOSH")],
        [("DC", "NTOF"), ("DC", "WCC"), ("DC", "MOSH"), ("WCC", "MOSH")],
    ],
)
def test_four_list_deaths_models_the_publication_found_unbounded_have_no_upper_limit(deaths, pairs):
    result = loglinear.fit(deaths, pairs)

    assert result.estimate > 1_000_000
    assert result.upper is None


def test_three_list_deaths_independence_reproduces_the_published_interval(deaths):
    result = loglinear.fit(without(deaths, "DC"), [])

    assert round(result.estimate) == 209
    assert (round(result.lower), round(result.upper)) == (203, 217)
    assert round(result.deviance, 1) == 75.1
    assert result.residual_df == 3


def test_three_list_deaths_interaction_models_reproduce_the_published_table_3b(deaths):
    table = without(deaths, "DC")

    wcc_mosh = loglinear.fit(table, [("WCC", "MOSH")])
    assert round(wcc_mosh.deviance, 1) == 1.2
    assert round(wcc_mosh.lower) == 210
    assert wcc_mosh.residual_df == 2
    referral = loglinear.fit(table, [("NTOF", "WCC"), ("WCC", "MOSH")])
    assert round(referral.deviance, 1) == 0.6
    assert referral.residual_df == 1
    mosh = loglinear.fit(table, [("NTOF", "MOSH"), ("WCC", "MOSH")])
    assert round(mosh.estimate) == 233
    assert round(mosh.lower) == 204
    saturated = loglinear.fit(table, [("NTOF", "WCC"), ("NTOF", "MOSH"), ("WCC", "MOSH")])
    assert round(saturated.deviance, 1) == 0
    assert saturated.residual_df == 0


def test_our_recommended_four_list_estimates_miss_the_known_total_as_the_publication_warns(deaths):
    """The lesson of the table: with a list that finds nearly everyone, every method is too sure."""
    bic = loglinear.estimate(deaths, "bic")
    latent = lcmcr.estimate(deaths, seed=2000, iterations=4000, chains=2)

    assert bic.model == "DC*NTOF + DC*WCC + WCC*MOSH"
    assert bic.upper is not None and bic.upper < GOLD_STANDARD
    assert latent.upper < GOLD_STANDARD


def test_without_the_near_complete_list_lcmcr_holds_the_known_total_and_bic_just_misses_it(deaths):
    table = without(deaths, "DC")
    bic = loglinear.estimate(table, "bic")
    latent = lcmcr.estimate(table, seed=2000, iterations=4000, chains=2)

    assert bic.model == "WCC*MOSH"
    assert round(bic.upper) == 236
    assert latent.lower < GOLD_STANDARD < latent.upper


def test_a_named_model_with_an_unknown_list_is_refused(darroch):
    with pytest.raises(ValueError, match="two different lists"):
        loglinear.fit(darroch, [("E1", "E4")])


def test_a_named_model_with_a_term_for_two_lists_that_share_no_case_is_refused():
    table = histories.CaptureHistories(
        ("A", "B", "C"),
        np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [0, 1, 1]], dtype=np.int8),
        np.array([30, 30, 30, 10, 10], dtype=np.int64),
    )

    with pytest.raises(histories.EstimationRefused) as refused:
        loglinear.fit(table, [("A", "B")])
    assert refused.value.code == "no_model"
