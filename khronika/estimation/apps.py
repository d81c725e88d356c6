from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EstimationConfig(AppConfig):
    """Multiple systems estimation: how many cases went unrecorded, from the overlap of linked lists.

    No models: the estimators read a capture-history table and return numbers; the app exists so that
    ``khronika estimate`` is a management command like every other.
    """

    name = "khronika.estimation"
    label = "estimation"
    verbose_name = _("Estimation")
