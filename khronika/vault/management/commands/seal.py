"""``khronika seal``: every running process drops its keys (planned maintenance; see also ``panic``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from khronika.vault.control import seal_all
from khronika.vault.panic import record_vault_event, sealed_count


class Command(BaseCommand):
    help = "Seal every running Khronika process: their keys are dropped until the next unseal."

    def handle(self, *args: Any, **options: Any) -> None:
        answers = seal_all()
        record_vault_event(None, "seal")
        self.stdout.write(report(answers_sealed=sealed_count(answers), running=len(answers)))


def report(answers_sealed: int, running: int) -> str:
    if not running:
        return "No Khronika process is running: nothing held the keys."
    return f"Sealed {answers_sealed} of {running} running processes."
