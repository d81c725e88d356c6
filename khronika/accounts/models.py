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
from khronika.vault.fields import SensitiveCharField, VaultRecord


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


class User(AbstractBaseUser, PermissionsMixin, VaultRecord):
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


class StaffSession(models.Model):
    """Which server-side sessions belong to which user, so that all of them can be ended at once.

    Threat model 2: when a colleague is detained with an unlocked phone, a coordinator ends every session
    of that account in one action. Django's session rows do not say whose they are without decoding each
    one; this small table does. It holds the session key only, never an IP address or a user agent.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("staff session")
        verbose_name_plural = _("staff sessions")

    def __str__(self) -> str:
        return f"session of {self.user_id}"


class Alert(models.Model):
    """Something coordinators must look at: a duress login, an account revealing or exporting too much.

    Alerts name the account (by its opaque id and username) and never a person in the records.
    """

    class Kind(models.TextChoices):
        DURESS_LOGIN = "duress_login", _("Duress password used")
        REVEALS = "reveals", _("Many identities revealed in an hour")
        EXPORTS = "exports", _("Many records exported in an hour")
        URGENT_SUBMISSION = "urgent_submission", _("An anonymous report marked urgent arrived")
        WHEREABOUTS_UNKNOWN = (
            "whereabouts_unknown",
            _("A detained person's whereabouts stayed unknown too long"),
        )

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    # Empty for alerts about no account (an urgent anonymous report).
    subject = models.ForeignKey(
        User,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="alerts_about",
        null=True,
        blank=True,
    )
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    acknowledged_by = models.ForeignKey(
        User,
        verbose_name=_("acknowledged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self) -> str:
        return f"{self.kind} about {self.subject_id}"


class LoginThrottle(models.Model):
    """Failed-login counters, per account and across all accounts, that slow down password guessing.

    Threat model 4: no IP address, user agent or username is stored. An account's row is keyed by a
    keyed hash (HMAC with SECRET_KEY) of the normalized username typed, so a username that does not
    exist is throttled exactly like one that does, and the table reveals no names. Rows hold counters
    and times only.
    """

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    lock_seconds = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("login throttle")
        verbose_name_plural = _("login throttles")

    def __str__(self) -> str:
        return f"throttle {self.pk}"


class DuressPassword(models.Model):
    """The hash of an account's duress password (Django's password hashers, salted).

    Threat model 2: a staff member forced to log in types this password instead of the real one. The
    row exists for every account that ever logged in, holding a hash of an unknowable random password
    until one is chosen, so a copy of the database does not tell who set a duress password.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="duress_password")
    password = models.CharField(max_length=128)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("duress password")
        verbose_name_plural = _("duress passwords")

    def __str__(self) -> str:
        return f"duress password of {self.user_id}"


class DecoyWorkspace(models.Model):
    """Marks the compartment that duress sessions see: synthetic records, nobody a member.

    A separate table rather than a name so that a real compartment can never become the decoy by a
    coincidence of names.
    """

    compartment = models.OneToOneField(Compartment, on_delete=models.PROTECT, related_name="decoy_workspace")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("decoy workspace")
        verbose_name_plural = _("decoy workspaces")

    def __str__(self) -> str:
        return f"decoy workspace {self.compartment_id}"


# Second-factor devices with their secrets in the vault; imported here so Django registers the models.
from khronika.accounts.otp_devices import RecoveryCodes as RecoveryCodes  # noqa: E402
from khronika.accounts.otp_devices import VaultTOTPDevice as VaultTOTPDevice  # noqa: E402
