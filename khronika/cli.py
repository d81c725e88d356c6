"""The ``khronika`` command: Django's management commands under the product's own name.

Operators type ``khronika migrate`` or ``khronika demo`` rather than ``python -m django ...``; every
Khronika command is a management command, so ``khronika --help`` lists them all.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khronika.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "khronika"
    if len(args) > 1 and args[1] == "demo":
        # The demo is its own instance: synthetic data in its own folder, logins printed, no 2FA.
        os.environ.setdefault("KHRONIKA_DEMO", "1")
        os.environ.setdefault("KHRONIKA_DATA_DIR", os.path.join(os.getcwd(), "var", "demo"))
    if len(args) == 1 or args[1] in {"-h", "--help"}:
        args = [args[0], "help"]
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
