"""``khronika estimate``: the text and --json outputs, refusals, and that it needs no keys and no database."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from khronika.vault import state


def run(*args):
    out = StringIO()
    call_command("estimate", *map(str, args), stdout=out)
    return out.getvalue()


def test_json_holds_one_result_per_method_with_estimate_and_interval(kosovo_path):
    printed = run(kosovo_path, "--json", "--seed", 7, "--iterations", 2000, "--chains", 2)

    outcome = json.loads(printed)
    assert [result["method"] for result in outcome["results"]] == ["averaged", "loglinear", "lcmcr"]
    for result in outcome["results"]:
        assert {"method", "estimate", "lower", "upper", "model", "diagnostics"} <= result.keys()
        assert result["lower"] <= result["estimate"] <= result["upper"]
    assert outcome["results"][1]["estimate"] == pytest.approx(14_342, abs=0.5)
    assert {"rhat", "ess", "seed"} <= outcome["results"][2]["diagnostics"].keys()
    assert outcome["results"][0]["diagnostics"]["models_averaged"] > 1
    assert outcome["documented"] == 4_400


def test_one_method_can_be_chosen(kosovo_path):
    outcome = json.loads(run(kosovo_path, "--json", "--method", "loglinear"))

    assert [result["method"] for result in outcome["results"]] == ["loglinear"]


def test_text_output_names_estimate_interval_model_and_ends_with_a_summary(kosovo_path):
    printed = run(kosovo_path, "--method", "loglinear")

    assert "loglinear: estimate 14,342, 95% interval 12,525 to 16,543" in printed
    assert "model: EXH*ABA + EXH*OSCE + EXH*HRW + ABA*OSCE + OSCE*HRW" in printed
    assert printed.strip().splitlines()[-1] == "Estimated total: loglinear 14,342 (12,525–16,543)."


def test_it_runs_while_the_vault_is_sealed_and_without_a_database(kosovo_path):
    """An analyst may run it on an aggregate table anywhere: it must need neither keys nor the database.

    No ``db`` fixture here, so pytest-django fails the test if the command touches the database.
    """
    keys = state.keys()
    state.seal()
    try:
        printed = run(kosovo_path, "--method", "loglinear", "--json")
    finally:
        state.unseal(keys)
    assert json.loads(printed)["results"][0]["method"] == "loglinear"


def test_a_refusal_is_an_error_with_its_reason_and_in_json_a_code(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("a,b,count\n1,0,40\n0,1,40\n1,1,30\n")
    out = StringIO()

    with pytest.raises(CommandError, match="at least 3 lists") as caught:
        call_command("estimate", str(path), "--json", stdout=out)

    assert caught.value.returncode == 2
    assert json.loads(out.getvalue())["error"] == "too_few_lists"


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match="There is no file"):
        run(tmp_path / "absent.csv")
