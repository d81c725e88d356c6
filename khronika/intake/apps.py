from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    """Anonymous reports from victims and witnesses, sealed on arrival, and the staff inbox."""

    name = "khronika.intake"
    label = "intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        from khronika.intake import checks  # noqa: F401  # registers the deployment checks
