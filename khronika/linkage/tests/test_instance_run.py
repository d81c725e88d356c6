"""A coordinator's run over one compartment: the worker decrypts its persons, runs the model, and stores
a cross-script pair for review and an exact duplicate as merged. Persons of another compartment are
never read, so no link ever tells a reviewer what another team holds (threat model 3)."""

import pytest

from khronika.ledger.models import LedgerEntry
from khronika.linkage import instance
from khronika.linkage.models import ClusterMember, LinkageRun, PersonLink
from khronika.testing.factories import PersonFactory, UserFactory, place
from khronika.worker.jobs import run_due
from khronika.worker.models import Job

pytestmark = pytest.mark.django_db


def test_a_run_proposes_a_cross_script_pair_and_merges_an_exact_duplicate(team):
    dagestan = place("RU-DA")
    cyrillic = PersonFactory(
        compartment=team.home, given_name="Матвей", family_name="Щербаков", birth_date="1990", region=dagestan
    )
    # A news article in English gives the name only.
    latin = PersonFactory(compartment=team.home, given_name="Matvey", family_name="Shcherbakov")
    twin_a = PersonFactory(
        compartment=team.home,
        given_name="Ольга",
        family_name="Смирнова",
        birth_date="1985-02-03",
        region=dagestan,
    )
    twin_b = PersonFactory(
        compartment=team.home,
        given_name="Ольга",
        family_name="Смирнова",
        birth_date="1985-02-03",
        region=dagestan,
    )
    PersonFactory(compartment=team.home, given_name="Иван", family_name="Кузнецов", birth_date="1972")
    # The same woman documented by the other team: it must never be linked to the home persons.
    elsewhere = PersonFactory(
        compartment=team.elsewhere,
        given_name="Ольга",
        family_name="Смирнова",
        birth_date="1985-02-03",
        region=dagestan,
    )
    coordinator = UserFactory(role="coordinator", compartments=[team.home])

    run = instance.start(team.home, coordinator)
    assert Job.objects.get().payload == {"run": str(run.pk)}
    assert run_due() == 1

    run.refresh_from_db()
    assert run.state == LinkageRun.State.DONE
    assert (run.persons, run.proposed, run.confirmed) == (5, 1, 1)
    proposed = PersonLink.objects.get(state=PersonLink.State.PROPOSED)
    assert {proposed.left, proposed.right} == {cyrillic, latin}
    assert 0.4 <= proposed.probability < 0.97
    merged = PersonLink.objects.get(state=PersonLink.State.CONFIRMED)
    assert {merged.left, merged.right} == {twin_a, twin_b}
    assert merged.automatic and merged.decided_by is None
    assert not PersonLink.objects.filter(left=elsewhere).exists()
    assert not PersonLink.objects.filter(right=elsewhere).exists()
    assert set(ClusterMember.objects.values_list("person", flat=True)) == {twin_a.pk, twin_b.pk}
    assert LedgerEntry.objects.filter(action="merge", object_id=str(merged.pk), actor="system").exists()
    assert LedgerEntry.objects.filter(
        action="create", object_type="linkage.linkagerun", actor=f"user:{coordinator.pk}"
    ).exists()

    # A second run of the same job is a no-op (the worker may run a job twice after a crash).
    assert instance.run(str(run.pk)).pk == run.pk
    assert PersonLink.objects.count() == 2
