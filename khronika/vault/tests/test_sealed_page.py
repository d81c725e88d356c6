"""While sealed, every staff page answers 503 "This Khronika is sealed"; static files and the public
intake (which encrypts to the organisation's public key) still work."""

from __future__ import annotations

import pytest
from django.test import Client

from khronika.vault import state
from khronika.vault.crypto import create_vault
from khronika.vault.tests.support import FAST, preserved_state, with_sealed_middleware


@pytest.fixture
def sealed(db, settings):
    settings.MIDDLEWARE = with_sealed_middleware(settings.MIDDLEWARE)
    with preserved_state():
        state.seal()
        yield


@pytest.mark.parametrize("path", ["/", "/records/incidents/", "/accounts/login/", "/vault/panic/", "/admin/"])
def test_staff_pages_answer_sealed(sealed, path):
    response = Client().get(path)
    assert response.status_code == 503
    assert b"This Khronika is sealed" in response.content
    assert b"khronika unseal" in response.content
    assert "Content-Security-Policy" in response.headers  # still behind the security headers


def test_a_post_is_answered_sealed_too(sealed):
    response = Client().post("/accounts/login/", {"username": "doc", "password": "x"})
    assert response.status_code == 503


def test_static_files_are_served_while_sealed(sealed):
    response = Client().get("/static/khronika/khronika.css")
    assert response.status_code == 200


def test_the_public_intake_prefix_is_let_through(sealed):
    assert Client().get("/report/en/").status_code == 200


def test_an_unsealed_instance_serves_its_pages(sealed):
    state.unseal(create_vault("a synthetic passphrase", kdf_cost=FAST).keys)
    assert Client().get("/records/incidents/").status_code == 302
