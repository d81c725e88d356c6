from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    """The documentation spine: incidents, acts, people, perpetrators, sources, evidence, places, terms."""

    name = "khronika.records"
    label = "records"
    verbose_name = _("Records")
