"""Importing a spreadsheet from the browser: upload → columns → report → confirm.

Every step is a POST carrying the staged upload's token and key (see ``spreadsheets.staging``); the
compartment is fixed at the upload, checked against the user's own, and kept in the session with the
token, so a later step cannot switch it. Nothing is written before the last step.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from khronika.accounts.access import require_capability
from khronika.accounts.models import Compartment, User
from khronika.accounts.roles import Capability
from khronika.records.spreadsheets import staging
from khronika.records.spreadsheets.importing import NothingImported, write
from khronika.records.spreadsheets.mapping import FIELDS, Mapping, check_mapping, guess_mapping
from khronika.records.spreadsheets.reading import SpreadsheetRefused, Table, read_table
from khronika.records.spreadsheets.validation import Report, validate
from khronika.vault.uploads import KeepInMemory

SESSION_KEY = "spreadsheet_imports"
MAX_PROBLEMS_SHOWN = 500
SAMPLE_ROWS = 3


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Spreadsheet (CSV or XLSX)"))
    compartment = forms.ChoiceField(label=gettext_lazy("Import into the compartment"))

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["compartment"].choices = [(c.pk, c.name) for c in user.compartments.all()]  # type: ignore[attr-defined]


class MappingForm(forms.Form):
    """One drop-down per spreadsheet column: which Khronika field it holds, or nothing."""

    def __init__(self, headers: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            ("", _("— not imported —")),
            *((f.key, f"{f.label}{' *' if f.required else ''}") for f in FIELDS),
        ]
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(label=header, choices=choices, required=False)

    def mapping(self, headers: list[str]) -> Mapping:
        return {header: self.cleaned_data.get(f"column_{i}", "") for i, header in enumerate(headers)}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _staged(request: HttpRequest) -> tuple[str, str, bytes, Compartment]:
    """The staged upload named by the POST, if it was staged by this session; else 404."""
    token, key = request.POST.get("token", ""), request.POST.get("key", "")
    compartment_id = request.session.get(SESSION_KEY, {}).get(token)
    data = staging.unstash(token, key) if compartment_id else None
    if data is None:
        raise Http404
    compartment = get_object_or_404(_user(request).compartments.all(), pk=compartment_id)
    return token, key, data, compartment


def _forget(request: HttpRequest, token: str) -> None:
    staging.discard(token)
    imports = request.session.get(SESSION_KEY, {})
    imports.pop(token, None)
    request.session[SESSION_KEY] = imports


def _mapping_page(
    request: HttpRequest,
    token: str,
    key: str,
    table: Table,
    form: MappingForm,
    problems: list[str],
    status: int,
) -> HttpResponse:
    samples = [[table.cell(row, i) for i in range(len(table.headers))] for row in table.rows[:SAMPLE_ROWS]]
    columns = [(form[f"column_{i}"], [sample[i] for sample in samples]) for i in range(len(table.headers))]
    return render(
        request,
        "records/import_mapping.html",
        {"token": token, "key": key, "columns": columns, "problems": problems, "rows": len(table.rows)},
        status=status,
    )


def _report_page(
    request: HttpRequest, token: str, key: str, mapping: Mapping, report: Report, status: int = 200
) -> HttpResponse:
    problems = report.problems
    return render(
        request,
        "records/import_report.html",
        {
            "token": token,
            "key": key,
            "mapping_json": json.dumps(mapping, ensure_ascii=False),
            "total": len(report.rows),
            "valid": len(report.valid_rows),
            "invalid": report.invalid_count,
            "problems": problems[:MAX_PROBLEMS_SHOWN],
            "more_problems": max(0, len(problems) - MAX_PROBLEMS_SHOWN),
        },
        status=status,
    )


@csrf_exempt  # checked by csrf_protect below, once the upload handler is in place
@require_capability(Capability.IMPORT)
def import_upload(request: HttpRequest) -> HttpResponse:
    request.upload_handlers = [KeepInMemory(request, settings.IMPORT_MAX_BYTES)]
    return _import_upload(request)


@csrf_protect
def _import_upload(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = UploadForm(user, request.POST or None, request.FILES or None)
    if request.method != "POST":
        return render(request, "records/import_upload.html", {"form": form})
    # An id outside the user's compartments is a 404, like any record they may not see (threat model 3).
    compartment = get_object_or_404(user.compartments.all(), pk=request.POST.get("compartment") or 0)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > settings.IMPORT_MAX_BYTES:
                raise SpreadsheetRefused(
                    _("The file is larger than the limit of %(mib)s MiB. Split it into smaller files.")
                    % {"mib": settings.IMPORT_MAX_BYTES // 2**20}
                )
            data = upload.read()
            table = read_table(data, upload.name or "")
        except SpreadsheetRefused as refused:
            form.add_error("file", str(refused))
        else:
            token, key = staging.stash(data)
            request.session[SESSION_KEY] = {**request.session.get(SESSION_KEY, {}), token: compartment.pk}
            initial = {
                f"column_{i}": guess_mapping(table.headers).get(h, "") for i, h in enumerate(table.headers)
            }
            mapping_form = MappingForm(table.headers, initial=initial)
            return _mapping_page(request, token, key, table, mapping_form, [], 200)
    return render(request, "records/import_upload.html", {"form": form}, status=400)


@require_POST
@require_capability(Capability.IMPORT)
def import_columns(request: HttpRequest) -> HttpResponse:
    """Check the chosen columns, then every row; show the report. Writes nothing."""
    token, key, data, compartment = _staged(request)
    table = read_table(data, "")
    form = MappingForm(table.headers, request.POST)
    form.is_valid()
    mapping = form.mapping(table.headers)
    problems = check_mapping(mapping, table.headers)
    if problems:
        return _mapping_page(request, token, key, table, form, problems, 400)
    return _report_page(request, token, key, mapping, validate(table, mapping, compartment))


@require_POST
@require_capability(Capability.IMPORT)
def import_confirm(request: HttpRequest) -> HttpResponse:
    token, key, data, compartment = _staged(request)
    table = read_table(data, "")
    try:
        mapping = json.loads(request.POST.get("mapping", ""))
    except json.JSONDecodeError:
        raise Http404 from None
    if not isinstance(mapping, dict) or check_mapping(mapping, table.headers):
        raise Http404
    # Validated again: the vocabularies or the compartment's people may have changed since the report.
    report = validate(table, mapping, compartment)
    try:
        result = write(_user(request), report, valid_only=request.POST.get("valid_only") == "1", data=data)
    except NothingImported:
        return _report_page(request, token, key, mapping, report, status=400)
    _forget(request, token)
    created, skipped = len(result.created), len(result.skipped_rows)
    message = ngettext("%(n)s incident was imported.", "%(n)s incidents were imported.", created) % {
        "n": created
    }
    if skipped:
        message += " " + ngettext(
            "%(n)s row with problems was skipped.", "%(n)s rows with problems were skipped.", skipped
        ) % {"n": skipped}
    messages.success(request, message)
    return redirect("records:incident_list")


@require_POST
@require_capability(Capability.IMPORT)
def import_cancel(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("token", "")
    if token in request.session.get(SESSION_KEY, {}):
        _forget(request, token)
    messages.info(request, _("The import was cancelled; the uploaded file was deleted."))
    return redirect("records:import_upload")
