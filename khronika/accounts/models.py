"""Staff accounts and compartments.

The user model is custom from the first migration so that later changes (vault-encrypted e-mail and
real name, duress password) never need Django's painful swap of AUTH_USER_MODEL.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khronika.accounts.roles import Role
from khronika.vault.fields import SensitiveCharField


class Compartment(models.Model):
    """An access group. Incidents, persons and sources belong to one; users see only their own.

    Threat model 3: an informant with an account reaches only the compartments he was put in.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("compartment")
        verbose_name_plural = _("compartments")

    def __str__(self) -> str:
        return self.name


class KhronikaUserManager(UserManager["User"]):
    def create_user(  # type: ignore[override]  # Khronika users have no required e-mail
        self, username: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        user = self.model(username=self.model.normalize_username(username), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(  # type: ignore[override]  # as above
        self, username: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("role", Role.ADMIN)
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(username, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A staff member. The username may be a pseudonym; the real name and e-mail are sensitive."""

    username = models.CharField(_("username"), max_length=64, unique=True)
    display_name = SensitiveCharField(_("real name"), max_length=200, blank=True)
    email = SensitiveCharField(_("e-mail"), max_length=254, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.DOCUMENTER)
    compartments = models.ManyToManyField(
        Compartment, verbose_name=_("compartments"), blank=True, related_name="members"
    )
    language = models.CharField(
        _("language"), max_length=8, choices=[("en", "English"), ("ru", "Русский")], default="en"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the admin site"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects: ClassVar[KhronikaUserManager] = KhronikaUserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.username
