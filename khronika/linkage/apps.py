from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkageConfig(AppConfig):
    """Record linkage; registered only so that ``khronika link`` is found (no models yet)."""

    name = "khronika.linkage"
    label = "linkage"
    verbose_name = _("Record linkage")
