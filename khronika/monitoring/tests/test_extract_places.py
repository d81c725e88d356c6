"""Places: gazetteer names in Russian case forms and English spellings, resolved to region and town."""

from khronika.monitoring.extraction.places import find_places
from khronika.monitoring.extraction.text import sentences


def _places(text: str) -> list[tuple[str, str, str]]:
    tokens = [t for s in sentences(text) for t in s.tokens]
    return [(text[m.start : m.end], m.place.region, m.place.code) for m in find_places(tokens)]


def test_it_resolves_inflected_russian_town_and_region_names() -> None:
    found = _places("Его задержали в Махачкале, а потом увезли в Дагестане дальше.")
    assert found == [("Махачкале", "RU-DA", "RU-DA:makhachkala"), ("Дагестане", "RU-DA", "RU-DA")]


def test_it_reads_multi_word_and_hyphenated_names() -> None:
    found = _places("В Нижнем Новгороде и в Ростове-на-Дону прошли обыски.")
    assert [f[1] for f in found] == ["RU-NIZ", "RU-ROS"]


def test_it_reads_english_names_and_transliterations() -> None:
    found = _places("Police in Makhachkala and in Nizhny Novgorod; activists in Chechnya and Mahachkala.")
    assert [f[1] for f in found] == ["RU-DA", "RU-NIZ", "RU-CE", "RU-DA"]


def test_it_ignores_a_town_name_that_reads_as_a_surname_without_a_place_cue() -> None:
    """«улица Чехова» is a street named after a writer, not the town of Chekhov."""
    assert _places("Они встретились на улице Чехова.") == []
    assert [f[2] for f in _places("Его задержали в Чехове.")] == ["RU-MOS:chekhov"]


def test_it_ignores_lower_case_words_that_share_a_place_name() -> None:
    assert _places("Над полем пролетел орёл.") == []
