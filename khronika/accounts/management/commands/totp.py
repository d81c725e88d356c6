"""``khronika totp enrol USERNAME``: set up a staff member's authenticator in person.

Where two-factor login is required, an account without an authenticator cannot log in at all, so it
cannot reach the "Two-factor login" page either. An operator runs this command with the staff member
beside them: the QR code appears on the operator's terminal, the staff member scans it, reads back the
code the app shows, and receives ten recovery codes on paper. The secret never travels by message.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from khronika.accounts import totp
from khronika.accounts.models import User

ATTEMPTS = 3


class Command(BaseCommand):
    help = "Set up a staff member's authenticator app in person (totp enrol USERNAME)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        enrol = sub.add_parser("enrol", help="Show a new authenticator's QR code and confirm it.")
        enrol.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"There is no account named {options['username']!r}.")
        device = totp.start_for(user)
        uri = totp.otpauth_uri(user, device.key)
        self.stdout.write("Let the staff member scan this code with their authenticator app:\n")
        self.stdout.write(totp.qr_terminal(uri))
        self.stdout.write(f"Or type this key in the app: {totp.secret_for_typing(device.key)}")
        self.stdout.write(f"(otpauth address: {uri})\n")
        for _ in range(ATTEMPTS):
            codes = totp.confirm_device(device, input("Code the app shows now: "), actor=None)
            if codes is not None:
                break
            self.stdout.write("That code is not right. Wait for the next one and try again.")
        else:
            device.delete()
            raise CommandError("Not confirmed; nothing changed. Run the command again.")
        self.stdout.write(self.style.SUCCESS(f"{user.username} can now log in with the app."))
        self.stdout.write("Recovery codes (each works once; write them on paper for the staff member):")
        for code in codes:
            self.stdout.write(f"  {code}")
