"""The crypto core imports nothing from Django, so it can be reviewed and reused on its own."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CRYPTO = Path(__file__).resolve().parent.parent / "crypto"


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_module_of_the_crypto_core_imports_django():
    modules = sorted(CRYPTO.glob("**/*.py"))
    assert len(modules) >= 8
    offenders = {
        str(path.relative_to(CRYPTO)): sorted(
            name for name in _imported_modules(path) if name.split(".")[0] == "django"
        )
        for path in modules
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_importing_the_crypto_core_loads_no_django():
    """Catches indirect imports too (a helper module that pulls Django in)."""
    check = "import sys, khronika.vault.crypto; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    result = subprocess.run(  # noqa: S603  # fixed arguments, our own interpreter
        [sys.executable, "-c", check], capture_output=True, text=True, check=True, cwd=CRYPTO.parents[2]
    )
    assert result.stdout.strip() == "False"
