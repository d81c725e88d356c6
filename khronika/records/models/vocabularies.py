"""Controlled vocabularies: versioned, hierarchical, bilingual terms.

Terms are loaded from the JSON files in ``records/data/vocabularies`` and may be edited by admins.
Codes are never reused: a term that is no longer wanted is marked deprecated, so old records keep
their meaning.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from khronika.records.models.bilingual import in_language


class Vocabulary(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    label_en = models.CharField(_("name in English"), max_length=150)
    label_ru = models.CharField(_("name in Russian"), max_length=150)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["code"]
        verbose_name = _("vocabulary")
        verbose_name_plural = _("vocabularies")

    def __str__(self) -> str:
        return in_language(self.label_ru, self.label_en)


class Term(models.Model):
    vocabulary = models.ForeignKey(Vocabulary, on_delete=models.PROTECT, related_name="terms")
    code = models.CharField(_("code"), max_length=60)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("broader term"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    label_en = models.CharField(_("label in English"), max_length=200)
    label_ru = models.CharField(_("label in Russian"), max_length=200)
    description_en = models.TextField(_("description in English"), blank=True)
    description_ru = models.TextField(_("description in Russian"), blank=True)
    # Everyday wording for people reporting on the public form.
    plain_en = models.CharField(_("plain wording in English"), max_length=300, blank=True)
    plain_ru = models.CharField(_("plain wording in Russian"), max_length=300, blank=True)
    extra = models.JSONField(_("extra attributes"), default=dict, blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    deprecated = models.BooleanField(_("deprecated"), default=False)

    class Meta:
        ordering = ["vocabulary", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["vocabulary", "code"], name="term_code_unique")]
        verbose_name = _("term")
        verbose_name_plural = _("terms")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return in_language(self.label_ru, self.label_en)

    @property
    def description(self) -> str:
        return in_language(self.description_ru, self.description_en)
