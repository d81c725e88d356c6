"""Intake works while the vault is sealed: reports are sealed to the organisation's public key, and
only an unsealed vault opens them (threat model 1 and 4; issue 6)."""

from __future__ import annotations

import pytest
from django.test import Client

from khronika.intake import services
from khronika.intake.models import Submission
from khronika.vault import keystore, state
from khronika.vault.crypto import TamperedCiphertext, VaultSealed, create_vault
from khronika.vault.tests.support import FAST, preserved_state, with_sealed_middleware


@pytest.fixture
def sealed_instance(settings, tmp_path, reference_data):
    """A vault of its own whose keyring is on disk, then sealed: as after a restart or a panic."""
    settings.VAULT_DIR = tmp_path / "vault"
    settings.MIDDLEWARE = with_sealed_middleware(settings.MIDDLEWARE)
    with preserved_state():
        vault = create_vault("synthetic sealed-intake passphrase", kdf_cost=FAST)
        keystore.save_keyring(vault.keyring)
        state.seal()
        yield vault.keys


@pytest.mark.django_db
def test_a_source_reports_and_returns_while_sealed(sealed_instance):
    client = Client()
    assert client.get("/report/en/").status_code == 200
    response = client.post("/report/en/", {"what_happened": "Synthetic sealed marker"})
    assert response.status_code == 200
    phrase = " ".join(
        response.text.split('<p class="phrase">')[1].split("</p>")[0].replace("<span>", "").split("</span>")
    )
    back = client.post("/report/en/return/", {"phrase": phrase.strip()})
    assert back.status_code == 200 and "Synthetic sealed marker" in back.text


@pytest.mark.django_db
def test_staff_pages_stay_closed_and_staff_cannot_open_it_until_unsealed(sealed_instance):
    submission, _ = services.submit(
        {"what_happened": "Synthetic sealed marker"}, [], language="en", urgent=False
    )
    assert Client().get("/inbox/").status_code == 503
    with pytest.raises(VaultSealed):
        services.open_as_staff(submission)
    state.unseal(sealed_instance)
    assert services.open_as_staff(Submission.objects.get(pk=submission.pk)).answers()["what_happened"] == (
        "Synthetic sealed marker"
    )


@pytest.mark.django_db
def test_another_organisations_key_cannot_open_it(sealed_instance):
    submission, _ = services.submit({"what_happened": "x"}, [], language="en", urgent=False)
    state.unseal(create_vault("another synthetic organisation", kdf_cost=FAST).keys)
    with pytest.raises(TamperedCiphertext):
        services.open_as_staff(submission)
