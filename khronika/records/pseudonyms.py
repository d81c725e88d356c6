"""Stable pseudonyms and references shown in place of names.

Drawn from a cryptographic source over an alphabet without look-alike characters (no 0/O, 1/I/L), so
they can be read out over a phone line and do not leak creation order.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_code(prefix: str, length: int = 7) -> str:
    """A random code such as ``P-7K3Q9DX``: 31**7 (27 billion) values, so collisions are rare, but
    ``UniqueCodeMixin`` still checks before saving."""
    return prefix + "-" + "".join(secrets.choice(ALPHABET) for _ in range(length))


class UniqueCodeMixin:
    """Draws the model's code field again in the rare case the random one is taken.

    The check runs before the insert rather than catching IntegrityError, which would break the
    surrounding transaction of a multi-record save.
    """

    code_field: str
    code_prefix: str

    def ensure_unique_code(self) -> None:
        model = type(self)
        value = getattr(self, self.code_field)
        while model._default_manager.filter(**{self.code_field: value}).exists():  # type: ignore[attr-defined]
            value = new_code(self.code_prefix)
        setattr(self, self.code_field, value)
