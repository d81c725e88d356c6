"""The admin site is for vocabularies and the gazetteer only; records are edited in the staff UI."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from khronika.accounts.roles import Capability, has_capability
from khronika.records.models import Place, Term, Vocabulary


class VocabularyAdminMixin:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_capability(request.user, Capability.MANAGE_VOCABULARIES)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)

    has_change_permission = has_view_permission
    has_add_permission = has_module_permission

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # codes are never reused: deprecate a term instead of deleting it


@admin.register(Vocabulary)
class VocabularyAdmin(VocabularyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]  # django-stubs generic
    list_display = ["code", "label_en", "label_ru", "version"]


@admin.register(Term)
class TermAdmin(VocabularyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]  # django-stubs generic
    list_display = ["code", "label_en", "label_ru", "vocabulary", "parent", "deprecated"]
    list_filter = ["vocabulary", "deprecated"]
    search_fields = ["code", "label_en", "label_ru"]
    raw_id_fields = ["parent"]


@admin.register(Place)
class PlaceAdmin(VocabularyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]  # django-stubs generic
    list_display = ["code", "name_en", "name_ru", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name_en", "name_ru"]
    raw_id_fields = ["parent"]
