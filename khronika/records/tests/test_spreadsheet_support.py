"""Helpers shared by the spreadsheet tests (this module holds no tests): sample files and counters."""

import csv
import io

from django.urls import reverse
from openpyxl import Workbook

from khronika.ledger.models import LedgerEntry
from khronika.records.models import Act, Incident, Information, Organisation, Person, Source

HEADERS = [
    "Дата",
    "Регион",
    "Город",
    "Нарушение",
    "Название",
    "Имя",
    "Фамилия",
    "Нарушитель",
    "Статья",
    "Источник",
    "Тип источника",
]
ROWS = [
    [
        "2025-11-03",
        "Дагестан",
        "Махачкала",
        "arbitrary-detention",
        "Задержание после встречи",
        "Тестовый",
        "Человек",
        "police",
        "6.21 КоАП",
        "Синтетический адвокат",
        "lawyer",
    ],
    [
        "11.2025",
        "RU-CE",
        "",
        "Extortion",
        "Вымогательство",
        "",
        "",
        "Unknown",
        "",
        "Синтетический адвокат",
        "Адвокат или юрист",
    ],
]


def csv_bytes(headers=HEADERS, rows=ROWS, encoding="utf-8", delimiter=","):
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows([headers, *rows])
    return text.getvalue().encode(encoding)


def xlsx_bytes(headers=HEADERS, rows=ROWS):
    workbook = Workbook()
    sheet = workbook.active
    for line in [headers, *rows]:
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def counts():
    """How many records of every kind an import could write, and ledger entries: to prove nothing was."""
    return {
        model.__name__: model.objects.count()
        for model in (Incident, Act, Person, Organisation, Source, Information, LedgerEntry)
    }


def web_upload(client, data, compartment, filename="incidents.csv"):
    upload = io.BytesIO(data)
    upload.name = filename
    return client.post(reverse("records:import_upload"), {"file": upload, "compartment": compartment.pk})


def staged(page):
    """The hidden fields that carry the staged upload to the next step."""
    return {"token": page.context["token"], "key": page.context["key"]}


def guessed_columns(page):
    return {f"column_{i}": field.value() or "" for i, (field, _samples) in enumerate(page.context["columns"])}
