"""People (victims, witnesses, perpetrators), perpetrator units, and consent."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khronika.accounts.models import Compartment
from khronika.records.models.bilingual import in_language
from khronika.records.models.places import Place
from khronika.records.models.vocabularies import Term
from khronika.records.pseudonyms import UniqueCodeMixin, new_code
from khronika.vault.fields import SensitiveCharField, SensitiveTextField, VaultRecord


def new_person_pseudonym() -> str:
    return new_code("P")


class PersonQuerySet(models.QuerySet["Person"]):
    def with_consent(self, scope: str) -> PersonQuerySet:
        """Only persons who gave ``scope`` and have not withdrawn it. Every feature that uses a person
        for statistics, publication, submissions, referral or linkage must go through this."""
        return self.filter(consents__scope=scope, consents__withdrawn_on__isnull=True).distinct()


class Person(UniqueCodeMixin, VaultRecord):
    """A person, shown everywhere by a stable pseudonym.

    Identity fields are sensitive (the vault encrypts them); coded fields are coarse enough for
    statistics. Revealing the identity is an explicit, ledgered action.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pseudonym = models.CharField(_("pseudonym"), max_length=16, unique=True, default=new_person_pseudonym)
    compartment = models.ForeignKey(Compartment, verbose_name=_("compartment"), on_delete=models.PROTECT)

    # Identity: sensitive.
    given_name = SensitiveCharField(_("given name"), max_length=200, blank=True)
    family_name = SensitiveCharField(_("family name"), max_length=200, blank=True)
    patronymic = SensitiveCharField(_("patronymic"), max_length=200, blank=True)
    name_latin = SensitiveCharField(_("name in Latin script"), max_length=400, blank=True)
    aliases = SensitiveTextField(_("aliases and nicknames"), blank=True)
    birth_date = SensitiveCharField(
        _("date of birth"), max_length=10, blank=True, help_text=_("YYYY-MM-DD, YYYY-MM or YYYY")
    )
    contacts = SensitiveTextField(_("contacts"), blank=True, help_text=_("Phone numbers, e-mail, messengers"))
    handles = SensitiveTextField(
        _("accounts and handles"), blank=True, help_text=_("One per line: platform and handle")
    )
    notes = SensitiveTextField(_("notes"), blank=True)

    # Coded: for statistics and linkage blocking.
    gender = models.ForeignKey(
        Term,
        verbose_name=_("gender"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"vocabulary__code": "gender"},
    )
    age_band = models.ForeignKey(
        Term,
        verbose_name=_("age band"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"vocabulary__code": "age_band"},
    )
    citizenship = models.ForeignKey(
        Place,
        verbose_name=_("citizenship"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "country"},
    )
    region = models.ForeignKey(
        Place,
        verbose_name=_("home region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PersonQuerySet.as_manager()
    code_field, code_prefix = "pseudonym", "P"

    class Meta:
        ordering = ["pseudonym"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.pseudonym

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding:
            self.ensure_unique_code()
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        """The identity in original script; only for the reveal view and the vault's indexes."""
        return " ".join(p for p in (self.family_name, self.given_name, self.patronymic) if p)


class PersonBlindIndex(models.Model):
    """One keyed hash (blind index) of a person's name, phone number or account handle.

    Threat model 1: exact lookups on encrypted identities without a clear copy in the database. The
    digest is an HMAC under the blind-index key (khronika.vault.crypto), which exists only in the memory
    of an unsealed instance; a reader of the disk learns which persons share a value, never the value.
    Kept current by ``khronika.records.blind_indexes.index_persons``.
    """

    class Kind(models.TextChoices):
        NAME = "name", _("name")
        PHONE = "phone", _("phone number")
        HANDLE = "handle", _("account handle")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="blind_indexes")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    digest = models.CharField(max_length=32, db_index=True)

    class Meta:
        verbose_name = _("blind index")
        verbose_name_plural = _("blind indexes")
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "digest"], name="one_blind_index_per_value")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.digest}"


class Organisation(VaultRecord):
    """A perpetrator unit: a police department, a court, a migration authority, a family or a group."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name_ru = models.CharField(_("name in Russian"), max_length=300, blank=True)
    name_en = models.CharField(_("name in English"), max_length=300, blank=True)
    perpetrator_type = models.ForeignKey(
        Term,
        verbose_name=_("type"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"vocabulary__code": "perpetrator_type"},
    )
    place = models.ForeignKey(Place, verbose_name=_("place"), null=True, blank=True, on_delete=models.PROTECT)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    # A family or a vigilante group named as perpetrator can identify the victim: keep notes sensitive.
    notes = SensitiveTextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name_en", "name_ru"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_ru, self.name_en)


class Consent(models.Model):
    """One purpose a person agreed to. The default is none: no row, no use."""

    class Scope(models.TextChoices):
        STATISTICS = "statistics", _("anonymous statistics")
        PUBLICATION = "publication", _("publication")
        SUBMISSIONS = "submissions", _("submissions to UN bodies or courts")
        REFERRAL = "referral", _("referral to partner organisations")
        LINKAGE = "linkage", _("linkage with other organisations")

    class Method(models.TextChoices):
        WRITTEN = "written", _("in writing")
        ORAL = "oral", _("orally, recorded by staff")
        INTAKE_FORM = "intake_form", _("on the anonymous report form")
        THROUGH_LAWYER = "through_lawyer", _("through their lawyer")
        THROUGH_RELATIVE = "through_relative", _("through a relative")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(_("purpose"), max_length=20, choices=Scope.choices)
    given_on = models.DateField(_("given on"))
    method = models.CharField(_("how it was given"), max_length=20, choices=Method.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        ordering = ["scope"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "scope"],
                condition=models.Q(withdrawn_on__isnull=True),
                name="one_active_consent_per_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.scope}"
