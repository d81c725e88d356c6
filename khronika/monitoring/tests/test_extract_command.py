"""``khronika monitor extract``: saved files in, JSON out; no database, no unseal, no network.

These tests are deliberately not marked ``django_db``: pytest-django fails any test that touches the
database, so they prove that extraction never does.
"""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from khronika.vault import state

ARTICLE = "Две недели назад в Краснодаре полицейские задержали двух парней у ночного клуба.\n"
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Рейд в Казани</title></head><body>
<nav>Главная | Новости</nav><article><h1>Рейд в Казани</h1>
<p>Вчера вечером силовики ворвались в бар в Казани, переписали паспорта посетителей и увезли семерых
человек в отдел полиции. У задержанных проверили телефоны и переписку.</p>
<p>Правозащитники говорят, что это уже третий такой рейд в городе за год.</p></article></body></html>"""
EXPORT = {
    "name": "Synthetic channel",
    "type": "public_channel",
    "id": 1234567890,
    "messages": [
        {"id": 1, "type": "service", "date": "2026-05-01T10:00:00", "action": "create_channel", "text": ""},
        {
            "id": 2,
            "type": "message",
            "date": "2026-05-20T12:00:00",
            "date_unixtime": "1779278400",
            "text": [
                "Police in ",
                {"type": "bold", "text": "Kazan"},
                " raided a bar yesterday and detained seven people.",
            ],
        },
    ],
}


def _run(*args: str) -> dict:
    out = StringIO()
    call_command("monitor", "extract", *args, stdout=out)
    document: dict = json.loads(out.getvalue())
    return document


def test_it_prints_candidates_of_a_text_file_as_json(tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    document = _run(str(path), "--published", "2026-12-01")
    assert document["format"] == "khronika-extraction" and document["errors"] == []
    (article,) = document["articles"]
    (incident,) = article["incidents"]
    assert incident["date"]["value"] == "2026-11-17" and incident["date"]["precision"] == "day"
    assert incident["region"]["value"] == "RU-KDA"
    assert incident["town"]["value"] == "Краснодар"
    assert incident["victim_count"]["value"] == 2
    assert [a["value"] for a in incident["act_types"]] == ["arbitrary-detention"]
    start, end = incident["region"]["spans"][0]
    assert article["text"][start:end] == "Краснодаре"


def test_it_reads_saved_html_and_telegram_exports(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    export = tmp_path / "result.json"
    export.write_text(json.dumps(EXPORT), encoding="utf-8")
    document = _run(str(page), str(export), "--published", "2026-05-20")
    html_article, post = document["articles"]
    assert html_article["source"]["kind"] == "html"
    assert html_article["incidents"][0]["region"]["value"] == "RU-TA"
    assert post["source"]["kind"] == "telegram"
    assert post["source"]["published"] == "2026-05-20"  # the message's own date wins over --published
    (incident,) = post["incidents"]
    assert incident["date"]["value"] == "2026-05-19"
    assert incident["victim_count"]["value"] == 7


def test_it_reports_a_bad_file_and_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    document = _run(str(broken), str(tmp_path / "missing.txt"), str(good))
    assert len(document["articles"]) == 1
    assert [e["file"] for e in document["errors"]] == [str(broken), str(tmp_path / "missing.txt")]


def test_it_refuses_addresses_and_fails_when_nothing_could_be_read() -> None:
    with pytest.raises(CommandError):
        _run("https://example.org/article")


def test_it_works_while_the_vault_is_sealed(tmp_path: Path) -> None:
    """Extraction reads public text only: it must never need the keys."""
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    keys = state.keys()
    state.seal()
    try:
        document = _run(str(path), "--published", "2026-12-01")
    finally:
        state.unseal(keys)
    assert document["articles"][0]["incidents"]


def test_it_runs_on_a_fresh_instance_without_migrations(tmp_path: Path) -> None:
    """A fresh checkout: an empty data folder, no database created, nothing unsealed."""
    data = tmp_path / "data"
    data.mkdir()
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"KHRONIKA_DATA_DIR": str(data)}
    command = [
        sys.executable,
        "-m",
        "khronika.cli",
        "monitor",
        "extract",
        str(path),
        "--published",
        "2026-12-01",
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603  # our own CLI
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["articles"][0]["incidents"][0]["region"]["value"] == "RU-KDA"
    assert not list(data.rglob("*.sqlite3"))
