"""The project settings with the sealed-page middleware, for the ``khronika serve`` subprocess tests,
until settings.py installs it itself (see ``support.with_sealed_middleware``)."""

from khronika.settings import *  # noqa: F403
from khronika.settings import MIDDLEWARE
from khronika.vault.tests.support import with_sealed_middleware

MIDDLEWARE = with_sealed_middleware(MIDDLEWARE)
