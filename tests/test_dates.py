"""Dates keep their real precision: shown as people write them, bounded, never invented."""

from __future__ import annotations

import datetime as dt

import pytest
from simarchive.content.dates import DateError, parse_when

D = dt.date


@pytest.mark.parametrize(
    ("edtf", "display", "earliest", "latest"),
    [
        ("2023-03-10", "10 March 2023", D(2023, 3, 10), D(2023, 3, 10)),
        ("2021-06", "June 2021", D(2021, 6, 1), D(2021, 6, 30)),
        ("2012", "2012", D(2012, 1, 1), D(2012, 12, 31)),
        ("[2016,2017]", "2016 or 2017", D(2016, 1, 1), D(2017, 12, 31)),
        ("[2016,2017,2018]", "2016, 2017 or 2018", D(2016, 1, 1), D(2018, 12, 31)),
        ("2018/2020", "2018 to 2020", D(2018, 1, 1), D(2020, 12, 31)),
        ("2018-04/2020-03", "April 2018 to March 2020", D(2018, 4, 1), D(2020, 3, 31)),
        ("2021-03/2021-05", "March to May 2021", D(2021, 3, 1), D(2021, 5, 31)),
        ("../2018-04", "by April 2018", None, D(2018, 4, 30)),
        ("2021-06/..", "from June 2021", D(2021, 6, 1), None),
        ("2012-11~", "about November 2012", D(2012, 11, 1), D(2012, 11, 30)),
        ("2022?", "2022 (uncertain)", D(2022, 1, 1), D(2022, 12, 31)),
        ("2012%", "about 2012 (uncertain)", D(2012, 1, 1), D(2012, 12, 31)),
        ("2024-02", "February 2024", D(2024, 2, 1), D(2024, 2, 29)),
        ("[2023-04..2023-12]", "between April and December 2023", D(2023, 4, 1), D(2023, 12, 31)),
        ("[2012..2013]", "between 2012 and 2013", D(2012, 1, 1), D(2013, 12, 31)),
        ("[2023-03-10..]", "10 March 2023 or later", D(2023, 3, 10), None),
        ("[..2018-04]", "April 2018 or earlier", None, D(2018, 4, 30)),
    ],
)
def test_forms_are_written_as_people_write_them(edtf, display, earliest, latest):
    when = parse_when(edtf)
    assert (when.display, when.earliest, when.latest) == (display, earliest, latest)


def test_sort_key_is_the_earliest_day_or_the_latest_when_the_start_is_open():
    assert parse_when("2012").sort_key == D(2012, 1, 1)
    assert parse_when("../2018-04").sort_key == D(2018, 4, 30)


def test_html_datetime_only_for_plain_dates():
    assert parse_when("2021-06").html_datetime == "2021-06"
    assert parse_when("[2016,2017]").html_datetime is None
    assert parse_when("2012-11~").html_datetime is None


@pytest.mark.parametrize(
    ("edtf", "message"),
    [
        ("2023-02-29", "'2023-02-29' names a month or day that does not exist"),
        ("2021-13", "'2021-13' names a month or day that does not exist"),
        ("March 2019", "'March 2019' is not valid EDTF; expected"),
        ("2020/2018", "'2020/2018' ends before it starts"),
        ("../..", "'../..' is open at both ends"),
        ("[..]", "'[..]' is open at both ends"),
        ("[2023..2021]", "'[2023..2021]' ends before it starts"),
        ("2012-XX", "'2012-XX' is an EDTF form this site does not show"),
    ],
)
def test_bad_dates_say_what_is_wrong(edtf, message):
    with pytest.raises(DateError) as caught:
        parse_when(edtf)
    assert str(caught.value).startswith(message)
