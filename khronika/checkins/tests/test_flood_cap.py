"""The public form must not become a mail cannon: past the per-minute cap a new check-in is refused
in plain words, and nothing is stored or queued."""

from __future__ import annotations

from khronika.checkins.models import CheckIn
from khronika.checkins.tests.conftest import SYNTHETIC_EMAIL


def test_past_the_cap_a_new_checkin_is_refused_plainly(client, db, settings):
    settings.CHECKINS_MAX_PER_MINUTE = 2
    form = {"minutes": "30", "contacts": SYNTHETIC_EMAIL, "message": "Synthetic."}
    assert [client.post("/check-in/en/", form).status_code for _ in range(2)] == [200, 200]

    refused = client.post("/check-in/en/", form)
    assert refused.status_code == 400
    assert "Too many check-ins are being set right now" in refused.content.decode()
    assert CheckIn.objects.count() == 2
