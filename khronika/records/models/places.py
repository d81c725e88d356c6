"""The gazetteer: countries, federal subjects and towns, in Russian and English."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from khronika.records.models.bilingual import in_language


class Place(models.Model):
    class Kind(models.TextChoices):
        COUNTRY = "country", _("country")
        REGION = "region", _("region")
        CITY = "city", _("city")
        TOWN = "town", _("town")

    # ISO 3166-1 for countries, ISO 3166-2 for regions, "<region>:<slug>" for towns.
    code = models.CharField(_("code"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("within"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name_ru = models.CharField(_("name in Russian"), max_length=150)
    name_en = models.CharField(_("name in English"), max_length=150)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    aliases_ru = models.JSONField(_("other Russian names"), default=list, blank=True)
    aliases_en = models.JSONField(_("other English names"), default=list, blank=True)
    # Inflected Russian forms («в Махачкале», «из Дагестана») for recognising places in text.
    forms_ru = models.JSONField(_("Russian word forms"), default=list, blank=True)

    class Meta:
        ordering = ["kind", "name_en"]
        verbose_name = _("place")
        verbose_name_plural = _("places")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_ru, self.name_en)

    @property
    def region(self) -> Place | None:
        """The federal subject (or other first-level region) this place lies in, or itself."""
        place: Place | None = self
        while place is not None and place.kind not in (self.Kind.REGION, self.Kind.COUNTRY):
            place = place.parent
        return place if place is not None and place.kind == self.Kind.REGION else None
