"""``khronika loadreference``: load or update vocabularies and the gazetteer from the shipped files."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from khronika.records.reference import load_reference_data


class Command(BaseCommand):
    help = "Load or update the controlled vocabularies and the gazetteer shipped with Khronika."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = load_reference_data()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {summary.vocabularies} vocabularies with {summary.terms} terms "
                f"and {summary.places} places."
            )
        )
