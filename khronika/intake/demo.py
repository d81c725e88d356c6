"""A few synthetic anonymous reports for the demo's inbox: one urgent, one answered, one spam.

Written through the real services, so the demo's reports are sealed like real ones. Every word is
invented; no real person, place of detention or event is described.
"""

from __future__ import annotations

from typing import Any

from khronika.accounts.models import User
from khronika.intake import services
from khronika.intake.models import Submission

DEMO_REPORTS: list[dict[str, Any]] = [
    {
        "language": "ru",
        "urgent": True,
        "answers": {
            "what_happened": "Синтетический пример: моего друга (вымышленного) вчера увезли в отдел после "
            "свидания, назначенного через приложение. Родным не говорят, где он.",
            "acts": ["staged-date", "incommunicado-detention"],
            "when_roughly": "вчера вечером",
            "place": "RU-CE",
            "who_was_involved": "люди в форме, без представления",
        },
    },
    {
        "language": "en",
        "urgent": False,
        "answers": {
            "what_happened": "Synthetic example: at a checkpoint I was made to unlock my phone and they read "
            "my chats. They kept the phone for an hour.",
            "acts": ["forced-device-unlocking", "device-search"],
            "when_date": "2025-10-02",
            "place": "RU-DA",
        },
        "reply": "Thank you for telling us. Did they copy anything from the phone? A lawyer can advise you.",
    },
    {
        "language": "ru",
        "urgent": False,
        "answers": {"what_happened": "Синтетический пример спама: купите наши услуги."},
        "spam": True,
    },
]


def create_demo_reports() -> int:
    """Add the demo reports once; returns how many were created."""
    if Submission.objects.exists():
        return 0
    coordinator = User.objects.filter(role="coordinator").first()
    for report in DEMO_REPORTS:
        submission, _ = services.submit(
            {**services.EMPTY_ANSWERS, **report["answers"]},
            [],
            language=report["language"],
            urgent=report["urgent"],
        )
        if coordinator is not None and report.get("reply"):
            services.add_message(services.open_as_staff(submission), report["reply"], author=coordinator)
        if coordinator is not None and report.get("spam"):
            services.set_status(coordinator, submission, Submission.Status.SPAM)
    return len(DEMO_REPORTS)
