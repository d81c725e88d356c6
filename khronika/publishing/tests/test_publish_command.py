"""``khronika publish`` lists releases and the budget, without an unseal."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from khronika.publishing.services import request_release
from khronika.publishing.tests.conftest import counts_request
from khronika.vault import state


def test_it_lists_releases_and_the_budget_even_while_sealed(coordinators):
    release = request_release(coordinators[0], counts_request(epsilon=0.5))
    keys = state.keys()
    state.seal()
    try:
        out = StringIO()
        call_command("publish", stdout=out)
    finally:
        state.unseal(keys)
    text = out.getvalue()
    assert str(release.id) in text and "pending" in text
    assert "privacy budget 0.5 of 3 spent or reserved" in text
