"""Keep an unsealed process's memory out of files: no core dumps, no swap where the kernel allows.

Threat model 1: the keys live only in memory, so memory must not reach disk. A crash that writes a
core dump, or a page swapped out to an unencrypted swap partition, would put the root on the disk a
raid takes. What we cannot guarantee we report: a refused ``mlockall`` is logged, and the deploy
check ``khronika.W010`` warns about unencrypted swap (``khronika.vault.checks``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
import sys

PR_SET_DUMPABLE = 4
MCL_CURRENT = 1
MCL_FUTURE = 2


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def disable_core_dumps() -> list[str]:
    """No core file, and (Linux) not dumpable: other processes of our user cannot ptrace or read
    /proc/<pid>/mem either."""
    warnings = []
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError) as exc:
        warnings.append(f"Core dumps could not be switched off ({exc}).")
    libc = _libc()
    if libc is not None and libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        warnings.append(f"The process could not be marked non-dumpable ({os.strerror(ctypes.get_errno())}).")
    return warnings


def lock_memory() -> list[str]:
    """Try ``mlockall`` so that key material is never swapped out.

    Only when the locked-memory limit is unlimited (or we run as root): with a finite limit, a
    successful ``MCL_FUTURE`` would make later allocations fail once the limit is reached, turning a
    hardening step into random MemoryErrors. A service manager grants it with ``LimitMEMLOCK=infinity``.
    """
    libc = _libc()
    if libc is None:
        return ["Memory locking is not available on this platform: keys may be swapped to disk."]
    soft, _hard = resource.getrlimit(resource.RLIMIT_MEMLOCK)
    if soft != resource.RLIM_INFINITY and os.geteuid() != 0:
        return [
            f"Memory is not locked (the limit is {soft // 1024} KiB): keys may be swapped to disk. "
            "Set LimitMEMLOCK=infinity for the service, or make sure swap is encrypted."
        ]
    if libc.mlockall(MCL_CURRENT | MCL_FUTURE) != 0:
        return [
            f"Memory could not be locked ({os.strerror(ctypes.get_errno())}): keys may be swapped to "
            "disk. Make sure swap is off or encrypted."
        ]
    return []


def harden_process() -> list[str]:
    """Apply both; return plain warnings for whatever the platform refused (the caller logs them)."""
    return disable_core_dumps() + lock_memory()
