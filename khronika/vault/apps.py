from django.apps import AppConfig


class VaultConfig(AppConfig):
    """Encryption at rest, and the runtime around it: sealed and unsealed processes, panic."""

    name = "khronika.vault"
    label = "vault"

    def ready(self) -> None:
        from khronika.vault import checks  # noqa: F401  (registers khronika.W010, unencrypted swap)
