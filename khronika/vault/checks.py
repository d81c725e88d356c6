"""``khronika check --deploy``: warn when the memory holding the keys can be swapped to a clear disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.checks import Tags, Warning, register


def active_swaps(proc_swaps: str) -> list[str]:
    """The swap areas listed in the text of /proc/swaps (first column, after the header)."""
    lines = proc_swaps.splitlines()[1:]
    return [line.split()[0].replace("\\040", " ") for line in lines if line.split()]


def is_encrypted_swap(name: str, sys_root: Path = Path("/sys")) -> bool:
    """True for a dm-crypt device (its device-mapper uuid starts with ``CRYPT-``).

    A swap *file* counts as unencrypted: whether its file system sits on an encrypted device is more
    than we can tell reliably, and the warning's hint says how to check and silence it.
    """
    resolved = Path(name).resolve()  # /dev/mapper/cryptswap -> /dev/dm-0
    if not resolved.name.startswith("dm-"):
        return False
    try:
        uuid = (sys_root / "block" / resolved.name / "dm" / "uuid").read_text(encoding="ascii")
    except OSError:
        return False
    return uuid.strip().startswith("CRYPT-")


def unencrypted_swaps(proc_swaps: Path = Path("/proc/swaps"), sys_root: Path = Path("/sys")) -> list[str]:
    try:
        text = proc_swaps.read_text(encoding="utf-8")
    except OSError:
        return []
    return [name for name in active_swaps(text) if not is_encrypted_swap(name, sys_root)]


@register(Tags.security, deploy=True)
def check_swap(app_configs: Any, **kwargs: Any) -> list[Warning]:
    # Threat model 1: an unsealed process's memory (the keys) can be paged out to a swap area that a
    # raid then images; mlock is best effort (khronika.vault.hardening), encrypted swap is the backstop.
    swaps = unencrypted_swaps()
    if not swaps:
        return []
    return [
        Warning(
            f"Swap is active and not encrypted ({', '.join(swaps)}): vault keys in memory could be written "
            "to it.",
            hint="Turn swap off (swapoff -a) or put it on dm-crypt with a random key at each boot "
            "(crypttab: swap … /dev/urandom swap). See docs/vault.md.",
            id="khronika.W010",
        )
    ]
