from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckinsConfig(AppConfig):
    """Safety check-ins: a dead man's switch that alerts trusted contacts when a person does not check in."""

    name = "khronika.checkins"
    label = "checkins"
    verbose_name = _("Safety check-ins")
