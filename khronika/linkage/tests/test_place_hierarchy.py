"""Places resolve to ISO 3166-2 regions, and a town gives its region: town within region."""

from khronika.linkage.normalise import act_type_overlap, resolve_place


def test_a_region_resolves_from_its_code_or_any_name():
    for written in [
        "RU-DA",
        "Dagestan",
        "Daghestan",
        "Дагестан",
        "Республика Дагестан",
        "Republic of Dagestan",
    ]:
        assert resolve_place(written, "").region == "RU-DA", written


def test_a_town_in_either_script_gives_its_region():
    for town in ["Махачкала", "Makhachkala", "Mahachkala"]:
        place = resolve_place("", town)
        assert (place.region, place.town) == ("RU-DA", "RU-DA:makhachkala"), town


def test_a_town_written_with_its_region_agrees_with_the_region_alone():
    assert resolve_place("Dagestan", "Makhachkala").region == resolve_place("Республика Дагестан", "").region


def test_a_federal_city_written_as_a_town_gives_its_region():
    assert resolve_place("", "Москва").region == "RU-MOW"


def test_an_unlisted_village_still_agrees_with_itself_across_scripts():
    assert resolve_place("", "Верхний Зигфрид").town == resolve_place("", "Verkhnii Zigfrid").town


def test_act_types_overlap_as_a_share_of_all_acts():
    assert act_type_overlap({"detention", "beating"}, {"detention"}) == 0.5
    assert act_type_overlap({"detention"}, set()) == 0.0
