from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EstimationConfig(AppConfig):
    """Multiple systems estimation: how many cases went unrecorded, from the overlap of linked lists.

    The estimators read a capture-history table and return numbers (``khronika estimate`` needs no
    database); the models keep the estimates made from this instance's own records (``instance.py``)
    so that a coordinator can publish them.
    """

    name = "khronika.estimation"
    label = "estimation"
    verbose_name = _("Estimation")
