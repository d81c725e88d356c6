"""A process that starts Django, the worker's jobs and every view loads no scientific or parsing library.

Why: the worker and the web server lock all their memory (``vault/hardening.py``, so that keys never
reach swap); every library imported at start-up is locked resident with them. numpy, trafilatura or
natasha loaded by an app's ``ready`` took a worker from 86 MB to 226 MB. They are imported where they
are used (an import, an extraction, a rotation), never at start.
"""

import json
import os
import subprocess
import sys

HEAVY = ("numpy", "scipy", "pandas", "trafilatura", "feedparser", "lxml", "natasha", "weasyprint", "duckdb")

PROBE = """
import json, sys, django
django.setup()
from khronika.worker import jobs
jobs.discover()
from django.urls import get_resolver
get_resolver().url_patterns  # every view module, as the web server loads them for its first request
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def test_starting_the_worker_or_the_web_server_imports_no_heavy_library(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "khronika.settings", "KHRONIKA_DATA_DIR": str(tmp_path)}
    result = subprocess.run(  # noqa: S603  # our own interpreter and a fixed program
        [sys.executable, "-c", PROBE.format(heavy=HEAVY)], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
