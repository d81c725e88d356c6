"""``khronika link`` offers the exchange subcommands of ``cli_exchange`` when that module exists."""

import sys
import types

from django.core.management import call_command

from khronika.linkage.management.commands import link


def test_it_hands_an_exchange_subcommand_to_cli_exchange(monkeypatch, tmp_path):
    received = {}
    fake = types.ModuleType("khronika.linkage.cli_exchange")

    def add_subcommands(subparsers):
        encode = subparsers.add_parser("encode")
        encode.add_argument("input")

    def run(options):
        received.update(options)

    fake.add_subcommands = add_subcommands
    fake.run = run
    monkeypatch.setitem(sys.modules, "khronika.linkage.cli_exchange", fake)
    call_command("link", "encode", str(tmp_path / "people.csv"))
    assert received["action"] == "encode"
    assert received["input"] == str(tmp_path / "people.csv")


def test_it_works_without_cli_exchange(monkeypatch):
    monkeypatch.setitem(sys.modules, "khronika.linkage.cli_exchange", None)  # import raises
    assert link._exchange() is None
