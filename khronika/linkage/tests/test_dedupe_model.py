"""The model joins mentions of one person across scripts and keeps different people apart."""

import pytest

from khronika.linkage.evaluate import score
from khronika.linkage.generator import generate
from khronika.linkage.model import ModelOptions, dedupe, link
from khronika.linkage.types import PersonRecord


def _with_background(*records):
    """Hand-made records among generated strangers, so EM has a population to learn from."""
    strangers = generate(400, seed=11).records
    return [*records, *strangers]


def test_it_joins_one_person_written_in_two_scripts_with_an_age_for_a_birth_date():
    records = _with_background(
        PersonRecord(
            "a1", "Матвей", "Щербаков", "Ильич", "1995-03-14", None, "2025-11-05", "Дагестан", "Махачкала"
        ),
        PersonRecord("a2", "Matvey", "Shcherbakov", "", "", 30, "2025-11", "RU-DA", ""),
        PersonRecord("a3", "Щербаков", "Матвей", "", "1995", None, "2025-11-04", "", "Makhachkala"),
        PersonRecord(
            "b1", "Фёдор", "Щербаков", "Петрович", "1971-08-30", None, "2025-11-05", "Томская область", ""
        ),
    )
    clusters = {a.record_id: a.cluster_id for a in dedupe(records)}
    assert clusters["a1"] == clusters["a2"] == clusters["a3"]
    assert clusters["b1"] != clusters["a1"]


def test_a_birth_date_that_many_share_does_not_join_people_with_different_names():
    """1 January often stands for "year only": sharing it, a town and a gender is not enough."""
    common = [
        PersonRecord(f"c{n}", given, family, "", "1859-01-01", None, "", "", "Кардифф")
        for n, (given, family) in enumerate(
            [
                ("Uriah", "Goodwin"),
                ("Charles", "Conde"),
                ("Harry", "Hibbott"),
                ("Walter", "Evans"),
                ("John", "Price"),
            ]
        )
    ]
    clusters = {a.record_id: a.cluster_id for a in dedupe(_with_background(*common))}
    assert len({clusters[record.record_id] for record in common}) == len(common)


def test_a_record_with_one_name_in_the_given_field_joins_the_family_it_names():
    records = _with_background(
        PersonRecord("d1", "Oldmixon", "", "", "", None, "", "", "Бирмингем"),
        PersonRecord("d2", "John", "Oldmixon", "", "1673-05-01", None, "", "", "Бирмингем"),
    )
    clusters = {a.record_id: a.cluster_id for a in dedupe(records)}
    assert clusters["d1"] == clusters["d2"]


def test_every_record_gets_one_assignment_in_input_order():
    records = generate(300, seed=4).records
    result = link(records)
    assert [a.record_id for a in result.assignments] == [r.record_id for r in records]
    assert all(0.0 <= a.match_probability <= 1.0 for a in result.assignments)


def test_uncertain_pairs_lie_in_the_review_band():
    result = link(generate(400, seed=4).records, ModelOptions(review_band=(0.3, 0.99)))
    assert result.uncertain_pairs
    assert all(0.3 <= pair.match_probability < 0.99 for pair in result.uncertain_pairs)


def test_it_finds_the_people_of_a_generated_set():
    data = generate(1500, seed=21)
    clusters = {a.record_id: a.cluster_id for a in dedupe(data.records)}
    scores = score(clusters, data.person_of, data.script_of)
    assert scores.f1 >= 0.93, scores
    assert scores.cross_script_recall >= 0.9, scores


def test_it_rejects_two_records_with_one_id():
    with pytest.raises(ValueError, match="same record_id"):
        dedupe([PersonRecord("x", "Анна"), PersonRecord("x", "Анна")])


def test_a_single_record_is_its_own_cluster():
    assert dedupe([PersonRecord("x", "Анна")])[0].cluster_id == "x"
