"""Guessing which field each column holds from its header, in Russian or English."""

from khronika.records.spreadsheets.mapping import check_mapping, guess_mapping


def test_it_guesses_english_and_russian_headers_alike():
    headers = ["Date", "REGION", "Act type", "Title", "Фамилия", "Тип источника", "Ёлки-палки"]
    assert guess_mapping(headers) == {
        "Date": "date",
        "REGION": "region",
        "Act type": "act_type",
        "Title": "title",
        "Фамилия": "victim_family_name",
        "Тип источника": "source_type",
    }


def test_it_gives_a_field_to_the_first_column_only():
    assert guess_mapping(["Дата", "Date"]) == {"Дата": "date"}


def test_it_names_a_field_mapped_twice_and_a_missing_required_field():
    problems = check_mapping({"A": "title", "B": "title"}, ["A", "B"])
    assert problems == [
        "The columns “A” and “B” are both given as “Title”; choose one.",
        "No column holds “Act type”, which every row needs. Add that column to the file, or choose it below.",
    ]
