from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkerConfig(AppConfig):
    """The persistent job queue behind ``khronika worker``: reminders, escalations and alerts."""

    name = "khronika.worker"
    label = "worker"
    verbose_name = _("Background worker")
