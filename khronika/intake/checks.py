"""Deployment checks of the intake (``khronika check``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register


@register()
def intake_files_are_backed_up(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """`khronika backup` copies the file store (MEDIA_ROOT); reports' files kept elsewhere would be
    missing from every backup, and a restore would bring back reports whose files are gone."""
    files, store = Path(settings.INTAKE_FILE_DIR).resolve(), Path(settings.MEDIA_ROOT).resolve()
    if files.is_relative_to(store):
        return []
    return [
        Warning(
            "The anonymous reports' files are kept outside the file store, so backups leave them out.",
            hint=f"Set KHRONIKA_INTAKE_FILE_DIR to a folder inside {store} (by default {store / 'intake'}).",
            id="khronika.W020",
        )
    ]
