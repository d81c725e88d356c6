"""A 500 error report carries no request data and no local variables (issue 5, side doors)."""

import sys

from django.test import RequestFactory
from django.views.debug import get_exception_reporter_class, get_exception_reporter_filter

from khronika.web.errors import NoRequestDataFilter, NoRequestDataReporter


def failing_view_report(secret_post, secret_get, secret_local_parts):
    request = RequestFactory().post(
        f"/records/people/new/?q={secret_get}", {"family_name": secret_post}, HTTP_COOKIE="sessionid=x"
    )
    request.POST  # noqa: B018  # parsed, as a view would have
    try:
        # Built at run time, so the value is in the frame's locals but not in the source lines shown.
        local_name = "".join(secret_local_parts)
        raise ValueError("synthetic failure " + str(len(local_name)))
    except ValueError:
        reporter = get_exception_reporter_class(request)(request, *sys.exc_info())
        return reporter.get_traceback_html(), reporter.get_traceback_text()


def test_the_configured_filter_and_reporter_are_ours():
    assert isinstance(get_exception_reporter_filter(None), NoRequestDataFilter)
    assert get_exception_reporter_class(None) is NoRequestDataReporter


def test_a_500_report_holds_neither_request_values_nor_local_variables():
    secret_post = "Сентинелова-POST-4821"
    secret_get = "SENTINEL-GET-4821"
    parts = ("СЕНТИНЕЛ-", "local-", "4821")
    html, text = failing_view_report(secret_post, secret_get, parts)
    assert "synthetic failure" in text  # the report itself is produced
    for report in (html, text):
        assert secret_post not in report
        assert secret_get not in report  # a search for a name or phone number travels in the query
        assert "".join(parts) not in report
        assert "Сентинелова" not in report
