"""The authenticator's secret and the recovery codes are stored encrypted by the vault (issue 5).

Threat model 1: a copy of the database (a seized disk, a backup) must not hand over staff members'
second factor. The raw rows hold ciphertext; the application still checks codes as before.
"""

import re

from django.db import connection
from django.urls import reverse
from django_otp import devices_for_user, match_token
from django_otp.oath import totp

from khronika.accounts.otp_devices import RecoveryCodes, VaultTOTPDevice
from khronika.testing.factories import TEST_PASSWORD
from khronika.vault.fields import IN_ROW
from khronika.vault.tests.support import row_ciphertext

PAGE = reverse("accounts:two_factor")


def raw(model, pk, column):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608  # test-owned
        return cursor.fetchone()[0]


def code_for(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_the_raw_row_holds_no_totp_key(team):
    device = VaultTOTPDevice.objects.create(user=team.documenter, name="phone", confirmed=True)
    key = device.key

    column = raw(VaultTOTPDevice, device.pk, "key")
    stored = row_ciphertext(raw(VaultTOTPDevice, device.pk, "vault_data"))

    assert column == IN_ROW
    assert key and key.encode() not in stored and key.upper().encode() not in stored
    assert VaultTOTPDevice.objects.get(pk=device.pk).key == key


def test_enrolment_through_the_page_stores_secret_and_recovery_codes_encrypted(client, team):
    client.force_login(team.documenter)
    client.post(PAGE, {"action": "start", "start-current_password": TEST_PASSWORD})
    device = VaultTOTPDevice.objects.get(user=team.documenter)
    secret = device.key
    assert secret.encode() not in row_ciphertext(raw(VaultTOTPDevice, device.pk, "vault_data"))

    response = client.post(PAGE, {"action": "confirm", "confirm-code": code_for(device)})

    codes = [
        code.replace("-", "") for code in re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.text)
    ]
    assert len(codes) == 10
    recovery = RecoveryCodes.objects.get(user=team.documenter)
    assert raw(RecoveryCodes, recovery.pk, "codes") == IN_ROW
    stored = row_ciphertext(raw(RecoveryCodes, recovery.pk, "vault_data"))
    assert not any(code.encode() in stored for code in codes)
    assert secret.encode() not in row_ciphertext(raw(VaultTOTPDevice, device.pk, "vault_data"))


def test_django_otp_finds_the_vault_devices_and_checks_their_codes(team):
    device = VaultTOTPDevice.objects.create(user=team.documenter, name="phone", confirmed=True)
    RecoveryCodes.objects.create(
        user=team.documenter, name="recovery codes", confirmed=True, codes="abcdefgh"
    )

    found = {type(found) for found in devices_for_user(team.documenter, confirmed=True)}

    assert found == {VaultTOTPDevice, RecoveryCodes}
    assert match_token(team.documenter, code_for(device)) == device
    assert isinstance(match_token(team.documenter, "abcdefgh"), RecoveryCodes)
    assert match_token(team.documenter, "abcdefgh") is None  # used up
