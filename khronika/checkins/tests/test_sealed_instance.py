"""Check-ins fire while the instance is sealed, after a restart and after a panic: a raid is exactly
when they matter. Jobs that read encrypted records wait for the unseal instead."""

from __future__ import annotations

from django.core.management import call_command

from khronika.checkins import alerts_key
from khronika.checkins.tests.conftest import SYNTHETIC_MESSAGE, pass_deadline, set_checkin
from khronika.vault import state
from khronika.worker.jobs import enqueue, run_due
from khronika.worker.models import Job


def test_a_missed_checkin_alerts_while_the_vault_is_sealed(client, smtp, unsealed_vault):
    made = set_checkin(client)
    pass_deadline(made.checkin)
    state.seal()
    try:
        run_due()
    finally:
        state.unseal(unsealed_vault)
    [message] = smtp.messages
    assert message.get_payload().strip() == SYNTHETIC_MESSAGE


def test_the_duress_code_works_while_sealed(client, smtp, unsealed_vault):
    """The person's page is outside the vault: /check-in/ is allowed while sealed."""
    made = set_checkin(client)
    state.seal()
    try:
        page = client.get("/check-in/en/")
        response = client.post("/check-in/en/code/", {"code": made.duress_code})
        run_due()
    finally:
        state.unseal(unsealed_vault)
    assert page.status_code == 200
    assert "Your check-in is closed" in response.content.decode()
    assert "duress" in smtp.messages[0]["Subject"]


def test_jobs_that_need_the_vault_wait_while_sealed(db, unsealed_vault):
    from khronika.worker.jobs import discover

    discover()  # registers aid.reminders, which reads aid records: needs_vault
    job = enqueue("aid.reminders", {}, idempotency_key="aid.reminders@test")
    state.seal()
    try:
        assert run_due() == 0
    finally:
        state.unseal(unsealed_vault)
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED and job.attempts == 0
    assert run_due() == 1


def test_panic_destroy_keys_destroys_the_alerts_key_and_the_alert_fails_in_plain_words(
    client, smtp, settings, tmp_path
):
    """The documented choice: after `panic --destroy-keys` open check-ins cannot fire."""
    settings.VAULT_DIR = str(tmp_path / "vault")  # no other process's socket or key file is touched
    made = set_checkin(client)
    assert alerts_key.key_path().exists()

    call_command("panic", "--destroy-keys")
    assert not alerts_key.key_path().exists()

    pass_deadline(made.checkin)
    run_due()
    job = Job.objects.get(kind="checkins.fire")
    assert job.state == Job.State.FAILED
    assert "alerts key was destroyed" in job.last_error
    assert smtp.messages == []
