"""Whole articles: one or several candidate incidents, every value pointing at its words."""

from datetime import date

from khronika.monitoring.extraction import extract

BULLETIN = """Бюллетень за июнь.

1. В начале июня в Нальчике полицейские задержали транс-женщину, её телефон изъяли. Суд оштрафовал её \
на 50 тысяч рублей по ст. 6.21 КоАП.

2. 17 июня в Екатеринбурге неизвестные, представившиеся сотрудниками полиции, избили двух геев."""


def test_it_splits_a_bulletin_into_its_incidents() -> None:
    result = extract(BULLETIN, published=date(2026, 6, 30))
    assert result.language == "ru"
    first, second = result.incidents
    assert first.region and first.region.value == "RU-KB"
    assert first.town and first.town.value == "Нальчик"
    assert first.date and (first.date.value.iso, first.date.value.precision) == ("2026-06", "month")
    assert {a.value for a in first.act_types} >= {
        "arbitrary-detention",
        "device-seizure",
        "administrative-fine",
    }
    assert [a.value for a in first.legal_articles] == ["koap-6.21"]
    assert second.region and second.region.value == "RU-SVE"
    assert second.date and second.date.value.iso == "2026-06-17"
    assert second.victim_count and second.victim_count.value == 2
    assert {p.value for p in second.perpetrator_types} == {"unidentified-claiming-officials", "police-other"}


def test_every_value_points_at_the_words_it_came_from() -> None:
    result = extract(BULLETIN, published=date(2026, 6, 30))
    incident = result.incidents[0]
    assert incident.town is not None
    (span,) = incident.town.spans
    assert result.text[span.start : span.end] == "Нальчике"
    values = [
        incident.date,
        incident.region,
        incident.victim_count,
        *incident.act_types,
        *incident.legal_articles,
    ]
    for value in values:
        assert value is not None and 0 < value.confidence <= 1
        for s in value.spans:
            assert 0 <= s.start < s.end <= len(result.text)


def test_it_keeps_an_english_story_with_a_dateline_as_one_incident() -> None:
    text = (
        "MOSCOW, March 20 — Police in Moscow detained four men during a raid on a gay club "
        "on Saturday night. "
        "The men were held at a police station and released; officers searched their phones."
    )
    result = extract(text, published=date(2026, 3, 20))
    (incident,) = result.incidents
    assert result.language == "en"
    assert incident.date and incident.date.value.iso == "2026-03-14"
    assert incident.region and incident.region.value == "RU-MOW"
    assert incident.victim_count and incident.victim_count.value == 4
    assert {a.value for a in incident.act_types} == {"raid-on-venue", "arbitrary-detention", "device-search"}


def test_it_dates_an_undated_story_to_its_publication_month_with_low_confidence() -> None:
    result = extract("В Казани полиция задержала активиста.", published=date(2026, 5, 20))
    (incident,) = result.incidents
    assert incident.date and incident.date.value.iso == "2026-05" and incident.date.confidence < 0.5


def test_it_finds_no_incident_in_text_without_place_or_act() -> None:
    assert extract("Погода сегодня хорошая.", published=date(2026, 5, 20)).incidents == []
