"""Error reports that carry no request data and no local variables.

Threat model 4: a traceback mailed or logged with POST data or locals could leak a victim's name or an
anonymous source's words. Only the exception itself and the path are kept.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter


class NoRequestDataFilter(SafeExceptionReporterFilter):
    def is_active(self, request: HttpRequest | None) -> bool:
        return True

    def get_post_parameters(self, request: HttpRequest | None) -> dict[str, Any]:
        return {}

    def get_traceback_frame_variables(self, request: HttpRequest | None, tb_frame: Any) -> Any:
        return {}.items()

    def get_safe_request_meta(self, request: HttpRequest) -> dict[str, Any]:
        return {}

    def get_safe_cookies(self, request: HttpRequest) -> dict[str, Any]:
        return {}


class NoRequestDataReporter(ExceptionReporter):
    """Django's reporter without the query string and uploaded file names.

    Threat model 4: the incident search sends a victim's name or phone number in the query string
    (``?q=...``), and an uploaded file's name can be a person's name; Django's reporter prints both
    directly, past the filter above. Only the path (opaque ids) is kept.
    """

    def get_traceback_data(self) -> dict[str, Any]:
        data: dict[str, Any] = super().get_traceback_data()
        if self.request is not None:
            data["request_GET_items"] = []
            data["request_FILES_items"] = []
            data["request_insecure_uri"] = self.request.path
        return data
