"""A process that may hold keys writes no core dump and cannot be read by a same-user debugger."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import ctypes, resource
from khronika.vault.hardening import harden_process
warnings = harden_process()
libc = ctypes.CDLL(None)
print(resource.getrlimit(resource.RLIMIT_CORE), libc.prctl(3, 0, 0, 0, 0))  # 3: PR_GET_DUMPABLE
print(warnings)
"""


def test_it_switches_off_core_dumps_and_dumpability():
    result = subprocess.run(  # noqa: S603  (our interpreter, fixed code)
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=30, check=True
    )
    first = result.stdout.splitlines()[0]
    assert first == "(0, 0) 0"


def test_with_a_finite_lock_limit_it_warns_instead_of_locking(monkeypatch):
    """mlockall(MCL_FUTURE) under a finite limit would turn later allocations into MemoryErrors."""
    import resource

    from khronika.vault import hardening

    calls = []

    class FakeLibc:
        def mlockall(self, flags):
            calls.append(flags)
            return 0

    monkeypatch.setattr(hardening, "_libc", FakeLibc)
    monkeypatch.setattr(hardening.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(resource, "getrlimit", lambda which: (8 * 1024 * 1024, 8 * 1024 * 1024))
    warnings = hardening.lock_memory()
    assert calls == []
    assert len(warnings) == 1 and "LimitMEMLOCK=infinity" in warnings[0]


def test_when_the_kernel_refuses_to_lock_it_says_so(monkeypatch):
    from khronika.vault import hardening

    class RefusingLibc:
        def mlockall(self, flags):
            return -1

    monkeypatch.setattr(hardening, "_libc", RefusingLibc)
    monkeypatch.setattr(hardening.os, "geteuid", lambda: 0)
    warnings = hardening.lock_memory()
    assert len(warnings) == 1 and "could not be locked" in warnings[0]
