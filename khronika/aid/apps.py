from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AidConfig(AppConfig):
    """Aid coordination: cases, interventions, verification, tasks and detention timelines."""

    name = "khronika.aid"
    label = "aid"
    verbose_name = _("Aid coordination")

    def ready(self) -> None:
        # Signal receivers: follow-up tasks for new acts; shredding a deleted person's detention timeline.
        from khronika.aid import deletion, follow_ups  # noqa: F401
