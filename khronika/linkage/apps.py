from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkageConfig(AppConfig):
    """Record linkage: ``khronika link``, and the review of duplicate persons inside the instance."""

    name = "khronika.linkage"
    label = "linkage"
    verbose_name = _("Record linkage")
