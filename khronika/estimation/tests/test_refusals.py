"""Every refusal: where estimation is not sound the user gets a reason in plain words, not a number."""

import io

import pytest

from khronika.estimation import histories, lcmcr, loglinear
from khronika.estimation.histories import EstimationRefused


def table(text: str) -> histories.CaptureHistories:
    return histories.read_csv(io.StringIO(text))


def refusal_code(text: str, estimator=loglinear.estimate) -> str:
    with pytest.raises(EstimationRefused) as caught:
        estimator(table(text))
    assert str(caught.value)  # a message a person can read, with its parameters filled in
    assert "%(" not in str(caught.value)
    return caught.value.code


def test_it_refuses_fewer_than_three_lists():
    assert refusal_code("a,b,count\n1,0,40\n0,1,40\n1,1,30\n") == "too_few_lists"


def test_it_refuses_too_few_documented_cases():
    assert refusal_code("a,b,c,count\n1,0,0,10\n0,1,0,10\n0,0,1,10\n1,1,1,12\n") == "too_small"


def test_it_refuses_too_little_overlap():
    assert refusal_code("a,b,c,count\n1,0,0,40\n0,1,0,40\n0,0,1,40\n1,1,0,3\n0,1,1,3\n") == "too_small"


def test_it_refuses_lists_that_share_no_case():
    assert refusal_code("a,b,c,count\n1,0,0,40\n0,1,0,40\n0,0,1,40\n") == "no_overlap"


def test_it_refuses_a_list_that_shares_no_case_with_the_others():
    text = "a,b,c,count\n1,0,0,40\n0,1,0,40\n0,0,1,40\n1,1,0,30\n"
    assert refusal_code(text, lcmcr.estimate) == "no_overlap"


def test_it_refuses_an_empty_list():
    assert refusal_code("a,b,c,count\n1,0,0,40\n0,1,0,40\n1,1,0,30\n") == "empty_list"


def test_loglinear_refuses_more_than_six_lists():
    names = ",".join(f"l{j}" for j in range(7))
    rows = "".join(
        ",".join("1" if j in (k, (k + 1) % 7) else "0" for j in range(7)) + ",20\n" for k in range(7)
    )
    assert refusal_code(f"{names},count\n{rows}") == "too_many_lists"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a,b,c\n1,0,0\n",
        "a,b,c,count,COUNT\n1,0,0,1,1\n",
        "a,,c,count\n1,0,0,4\n",
        "a,a,c,count\n1,0,0,4\n",
        "a,b,c,count\n",
        "a,b,c,count\n1,0,0\n",
        "a,b,c,count\n1,2,0,4\n",
        "a,b,c,count\nyes,0,0,4\n",
        "a,b,c,count\n1,0,0,-4\n",
        "a,b,c,count\n1,0,0,4.5\n",
        "a,b,c,count\n0,0,0,7\n1,0,0,4\n",
    ],
    ids=[
        "empty file",
        "no count column",
        "two count columns",
        "unnamed list",
        "repeated list name",
        "no data rows",
        "short row",
        "flag other than 0/1",
        "word for a flag",
        "negative count",
        "fractional count",
        "cases on no list",
    ],
)
def test_it_refuses_a_malformed_table(text):
    with pytest.raises(EstimationRefused) as caught:
        table(text)
    assert caught.value.code == "malformed"
    assert "%(" not in str(caught.value)


def test_it_reads_a_sound_table_adding_up_repeated_histories():
    read = table("\ufeffA, B ,c,Count\n1,0,0,40\n0,1,0,40\n1,0,0,2\n0,0,0,0\n\n0,0,1,5\n1,1,1,3\n")

    assert read.lists == ("A", "B", "c")
    assert read.documented == 90
    assert dict(zip(map(tuple, read.patterns.tolist()), read.counts.tolist(), strict=True)) == {
        (1, 0, 0): 42,
        (0, 1, 0): 40,
        (0, 0, 1): 5,
        (1, 1, 1): 3,
    }


def test_it_refuses_a_table_whose_chosen_model_puts_the_total_in_the_tens_of_millions():
    text = "a,b,c,count\n1,0,0,1000\n0,1,0,1000\n0,0,1,1000\n1,1,0,10\n0,1,1,10\n1,0,1,3\n1,1,1,10\n"
    assert refusal_code(text) == "no_upper_limit"
