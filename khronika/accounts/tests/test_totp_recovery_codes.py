"""A recovery code logs in once, in the code field, instead of the authenticator's code."""

from django.urls import reverse

from khronika.accounts.otp_devices import RecoveryCodes
from khronika.accounts.otp_devices import VaultTOTPDevice as TOTPDevice
from khronika.testing.factories import TEST_PASSWORD

LOGIN = reverse("accounts:login")


def test_a_recovery_code_works_once(client, team, settings):
    settings.REQUIRE_TWO_FACTOR = True
    TOTPDevice.objects.create(user=team.documenter, name="phone", confirmed=True)
    RecoveryCodes.objects.create(
        user=team.documenter, name="recovery codes", confirmed=True, codes="abcdefgh"
    )
    # Typed as shown on the page: with a dash, perhaps in capitals.
    data = {"username": "doc", "password": TEST_PASSWORD, "otp_token": "ABCD-EFGH"}

    assert client.post(LOGIN, data).status_code == 302
    assert "_auth_user_id" in client.session
    client.logout()

    response = client.post(LOGIN, data)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert RecoveryCodes.objects.get(user=team.documenter).remaining() == []


def test_new_recovery_codes_replace_the_old_ones(client, team):
    TOTPDevice.objects.create(user=team.documenter, name="phone", confirmed=True)
    RecoveryCodes.objects.create(
        user=team.documenter, name="recovery codes", confirmed=True, codes="abcdefgh"
    )
    client.force_login(team.documenter)
    response = client.post(
        reverse("accounts:two_factor"), {"action": "codes", "codes-current_password": TEST_PASSWORD}
    )
    assert response.text.count("<li><code>") == 10
    tokens = set(RecoveryCodes.objects.get(user=team.documenter).remaining())
    assert len(tokens) == 10 and "abcdefgh" not in tokens
