"""``check --deploy`` warns (khronika.W010) when swap is on and not dm-crypt: keys could be paged out."""

from __future__ import annotations

from pathlib import Path

from khronika.vault import checks

HEADER = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"


def _fake_system(tmp_path: Path, swaps: str, crypt: bool) -> tuple[Path, Path, Path]:
    dev = tmp_path / "dev"
    (dev / "mapper").mkdir(parents=True)
    (dev / "dm-0").touch()
    (dev / "mapper" / "swap").symlink_to("../dm-0")
    sys_root = tmp_path / "sys"
    (sys_root / "block" / "dm-0" / "dm").mkdir(parents=True)
    uuid = "CRYPT-PLAIN-swap" if crypt else "LVM-abcdef"
    (sys_root / "block" / "dm-0" / "dm" / "uuid").write_text(uuid + "\n")
    proc = tmp_path / "swaps"
    proc.write_text(HEADER + swaps.replace("DEV", str(dev)))
    return proc, sys_root, dev


def test_no_swap_no_warning(tmp_path):
    proc = tmp_path / "swaps"
    proc.write_text(HEADER)
    assert checks.unencrypted_swaps(proc, tmp_path) == []


def test_a_plain_swap_partition_is_reported(tmp_path):
    proc, sys_root, _ = _fake_system(tmp_path, "/dev/sda2 partition 1048572 0 -2\n", crypt=False)
    assert checks.unencrypted_swaps(proc, sys_root) == ["/dev/sda2"]


def test_a_swap_file_is_reported(tmp_path):
    proc, sys_root, _ = _fake_system(tmp_path, "/swapfile file 1048572 0 -2\n", crypt=False)
    assert checks.unencrypted_swaps(proc, sys_root) == ["/swapfile"]


def test_a_dm_crypt_swap_is_accepted(tmp_path):
    proc, sys_root, _ = _fake_system(tmp_path, "DEV/mapper/swap partition 1048572 0 -2\n", crypt=True)
    assert checks.unencrypted_swaps(proc, sys_root) == []


def test_a_device_mapper_swap_that_is_not_crypt_is_reported(tmp_path):
    proc, sys_root, dev = _fake_system(tmp_path, "DEV/mapper/swap partition 1048572 0 -2\n", crypt=False)
    assert checks.unencrypted_swaps(proc, sys_root) == [f"{dev}/mapper/swap"]


def test_the_deploy_check_warns_with_its_id(monkeypatch):
    monkeypatch.setattr(checks, "unencrypted_swaps", lambda: ["/dev/sda2"])
    warnings = checks.check_swap(None)
    assert [w.id for w in warnings] == ["khronika.W010"]
    assert "/dev/sda2" in warnings[0].msg


def test_the_check_is_registered_for_deploy_only(monkeypatch):
    from django.core.checks import run_checks

    monkeypatch.setattr(checks, "unencrypted_swaps", lambda: ["/dev/sda2"])
    assert "khronika.W010" in {m.id for m in run_checks(include_deployment_checks=True)}
    assert "khronika.W010" not in {m.id for m in run_checks()}
