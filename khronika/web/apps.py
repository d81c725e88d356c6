from django.apps import AppConfig


class WebConfig(AppConfig):
    """Layout, security headers and the pieces every page shares."""

    name = "khronika.web"
    label = "web"

    def ready(self) -> None:
        from khronika.web import checks  # noqa: F401  (registers the deployment checks)
