from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    """The community safety registry: warnings about entrapment accounts, numbers, places and patterns."""

    name = "khronika.safety"
    label = "safety"
    verbose_name = _("Community safety registry")
