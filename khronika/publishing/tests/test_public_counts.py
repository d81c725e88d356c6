"""Public counts: only eligible acts, every cell of the domain, noise from OpenDP, small cells hidden."""

from __future__ import annotations

from datetime import date

from khronika.ledger.models import LedgerEntry
from khronika.publishing import counts, noise
from khronika.publishing.eligibility import eligible_acts, last_releasable_day, snap_period
from khronika.publishing.models import Release
from khronika.publishing.services import approve_release, request_release
from khronika.publishing.tests.conftest import counts_request
from khronika.publishing.tiles import region_codes
from khronika.records.models import Act, Incident

TODAY = date(2026, 11, 25)


def test_only_consenting_old_enough_and_not_confidential_acts_are_used(team, make_acts):
    kept = make_acts(2)
    make_acts(1, consent=False)
    secret = make_acts(1)[0]
    Incident.objects.filter(pk=secret.incident_id).update(
        confidentiality=Incident.Confidentiality.CONFIDENTIAL
    )
    make_acts(1, compartment=team.elsewhere)
    make_acts(1, day=date(2025, 8, 1))  # outside the period
    used = eligible_acts([team.home.id], date(2025, 1, 1), date(2025, 6, 30), TODAY)
    assert sorted(a.act_id for a in used) == sorted(str(a.id) for a in kept)


def test_a_withdrawn_consent_takes_the_act_out(team, make_acts):
    act = make_acts(1)[0]
    act.victim.consents.update(withdrawn_on=date(2026, 1, 1))
    assert eligible_acts([team.home.id], date(2025, 1, 1), date(2025, 6, 30), TODAY) == []


def test_periods_are_widened_to_whole_time_units():
    assert snap_period(date(2025, 2, 10), date(2025, 5, 3), "quarter") == (
        date(2025, 1, 1),
        date(2025, 6, 30),
    )
    assert snap_period(date(2025, 8, 1), date(2025, 8, 2), "half") == (date(2025, 7, 1), date(2025, 12, 31))
    assert snap_period(date(2024, 3, 1), date(2025, 1, 1), "year") == (date(2024, 1, 1), date(2025, 12, 31))


def test_one_person_counts_at_most_the_contribution_bound(team, make_acts):
    act = make_acts(1)[0]
    for _ in range(4):
        Act.objects.create(incident=act.incident, act_type=act.act_type, victim=act.victim)
    used = eligible_acts([team.home.id], date(2025, 1, 1), date(2025, 6, 30), TODAY)
    assert len(used) == 5
    bounded = counts.bound_contributions(used)
    assert sum(1 for a in bounded if a.victim_id == str(act.victim_id)) == counts.MAX_ACTS_PER_PERSON


def test_noise_is_calibrated_by_opendp_and_centred_on_the_truth():
    draws = [noise.noisy_counts([100], epsilon=1.0, sensitivity=3)[0] for _ in range(400)]
    mean = sum(draws) / len(draws)
    assert 97 < mean < 103
    assert len(set(draws)) > 5  # it is noise, not a constant offset


def test_small_noisy_cells_are_suppressed_after_noise():
    assert noise.suppress([0, 9, 10, 250, -3], min_cell=10) == [None, None, 10, 250, None]


def test_the_suppression_threshold_grows_with_the_noise_so_empty_cells_rarely_show():
    assert noise.threshold(1.0) == noise.MIN_CELL
    assert noise.threshold(9.0) == 36  # 9 · ln 50: a zero cell passes with probability ≤ 1 %
    draws = noise.noisy_counts([0] * 2000, epsilon=1.0, sensitivity=9)
    assert sum(1 for n in noise.suppress(draws, noise.threshold(9.0)) if n is not None) < 2000 * 0.02


def test_approval_publishes_every_cell_of_every_table_and_is_ledgered(
    coordinators, make_acts, generous_budget
):
    make_acts(40, region="RU-CE", day=date(2025, 2, 1))
    release = request_release(coordinators[0], counts_request(epsilon=generous_budget))
    assert release.figures == {}  # no noise drawn before approval
    approve_release(release.id, coordinators[1])
    release.refresh_from_db()
    assert release.status == Release.Status.PUBLISHED
    tables = release.figures["tables"]
    assert [k for k, _ in tables["region"]] == region_codes()
    assert [k for k, _ in tables["period"]] == ["2025-Q1", "2025-Q2"]
    chechnya = dict(tables["region"])["RU-CE"]
    assert chechnya is not None and abs(chechnya - 40) < 20  # noisy, yet clearly there
    actions = set(LedgerEntry.objects.values_list("action", flat=True))
    assert {"request_release", "approve_release"} <= actions


def test_the_latest_releasable_period_ends_at_least_three_months_ago():
    assert last_releasable_day(date(2026, 11, 25), "quarter") == date(2026, 6, 30)
    assert last_releasable_day(date(2026, 11, 25), "year") == date(2025, 12, 31)
    assert last_releasable_day(date(2026, 10, 1), "quarter") == date(2026, 6, 30)
