"""Dated policy parameters: the loader's checks, the region fallback, date boundaries, `laobao params`."""

from __future__ import annotations

import json
import textwrap
from datetime import date, timedelta
from decimal import Decimal

import pytest

from laobao.cli import main
from laobao.core.errors import DomainError
from laobao.policy.params import CITY, ParameterError, ParamValue, load_all, param, parameter

GOOD = """\
description: 测试参数 / a test parameter
label: {zh: 测试, en: Test}
unit: ratio
values:
  2006-01-01: {value: "0.20", reference: "文件甲 第一条", status: verified}
  2016-05-01: {value: "0.19", reference: "文件乙", status: unverified}
  2020-01-01: null
  2021-01-01: {value: "0.16", reference: "文件丙", status: source-only}
regions:
  "320506":
    2006-01-01: {value: "0.18", reference: "吴中区文件", status: unverified}
    2012-01-01: null
  "320506017000":
    2010-01-01: {value: "0.17", reference: "街道文件", status: unverified}
  "320500":
    2008-01-01: {value: "0.21", reference: "市文件", status: unverified}
    2009-01-01: null
"""


def tree(tmp_path, text=GOOD, rel="contribution/rate.yaml"):
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def value(tmp_path, on, region=None):
    return param("contribution.rate", on, region, root=tmp_path)


# ---- region fallback: code → district → city → base ------------------------------------------------------------

@pytest.mark.parametrize("on,region,expected,applied", [
    (date(2010, 6, 1), "320506017000", "0.17", "320506017000"),  # the exact 12-digit code
    (date(2007, 6, 1), "320506017000", "0.18", "320506"),        # before the code's own entry: its district
    (date(2010, 6, 1), "320506", "0.18", "320506"),
    (date(2008, 6, 1), "320508", "0.21", CITY),                  # no district override: the city
    (date(2008, 6, 1), None, "0.21", CITY),                      # no region asked: the city still applies
    (date(2010, 6, 1), "320508", "0.20", None),                  # the city override ended: the base value
    (date(2010, 6, 1), "320508017000", "0.20", None),
])
def test_fallback_order(tmp_path, on, region, expected, applied):
    v = value(tree(tmp_path), on, region)
    assert (v.value, v.region) == (Decimal(expected), applied)


def test_a_null_override_falls_back_to_the_next_level(tmp_path):
    root = tree(tmp_path)
    assert value(root, date(2011, 12, 31), "320506").region == "320506"
    after = value(root, date(2012, 1, 1), "320506")
    assert (after.value, after.region, after.reference) == (Decimal("0.20"), None, "文件甲 第一条")
    # the street's own value still wins over the district's ending
    assert value(root, date(2012, 1, 1), "320506017000").value == Decimal("0.17")


# ---- dates: an entry applies from its date until the next one ---------------------------------------------------

@pytest.mark.parametrize("on,expected,since", [
    (date(2016, 4, 30), "0.20", date(2006, 1, 1)),
    (date(2016, 5, 1), "0.19", date(2016, 5, 1)),
    (date(2019, 12, 31), "0.19", date(2016, 5, 1)),
    (date(2021, 1, 1), "0.16", date(2021, 1, 1)),
    (date(2099, 1, 1), "0.16", date(2021, 1, 1)),
])
def test_day_before_and_after_a_change(tmp_path, on, expected, since):
    v = value(tree(tmp_path), on, "320508")
    assert isinstance(v, ParamValue) and (v.value, v.since, v.unit, v.name) == (
        Decimal(expected), since, "ratio", "contribution.rate")


@pytest.mark.parametrize("on,needle", [(date(2005, 12, 31), "2006-01-01"), (date(2020, 6, 1), "2020-01-01")])
def test_no_value_before_the_first_entry_or_after_a_base_null(tmp_path, on, needle):
    with pytest.raises(ParameterError) as err:
        value(tree(tmp_path), on, "320508")
    problem = err.value.problems[0]
    assert isinstance(err.value, DomainError) and problem.code == "param.no_value"
    assert needle in problem.zh and needle in problem.en


def test_unknown_name_bad_date_bad_region(tmp_path):
    root = tree(tmp_path)
    for call, code in [(lambda: param("contribution.nope", date(2010, 1, 1), root=root), "param.unknown"),
                       (lambda: value(root, "2010-13-01"), "param.bad_date"),
                       (lambda: value(root, date(2010, 1, 1), "3205"), "param.bad_region"),
                       (lambda: value(root, date(2010, 1, 1), "110101"), "param.bad_region")]:
        with pytest.raises(ParameterError) as err:
            call()
        assert err.value.problems[0].code == code


def test_dates_may_be_iso_strings_and_the_load_is_cached(tmp_path):
    root = tree(tmp_path)
    assert value(root, "2016-05-01").value == Decimal("0.19")
    assert load_all(root) is load_all(root)


# ---- every defect fails loading, naming the file and the entry --------------------------------------------------

def _swap(old, new):
    assert old in GOOD
    return GOOD.replace(old, new)


DEFECTS = [
    ("unknown unit", _swap("unit: ratio", "unit: percent"), ["unit", "percent"]),
    ("float value", _swap('value: "0.19"', "value: 0.19"), ["2016-05-01", "float", "0.19"]),
    ("descending dates", _swap("2016-05-01:", "2005-05-01:"), ["2005-05-01", "ascending"]),
    ("duplicate date", _swap("2016-05-01:", "2006-01-01:"), ["2006-01-01", "twice"]),
    ("duplicate written differently", _swap("2016-05-01:", '"2006-01-01":'), ["2006-01-01", "ascending"]),
    ("text for a ratio", _swap('value: "0.19"', 'value: "nineteen"'), ["2016-05-01", "nineteen", "ratio"]),
    ("integer for a ratio", _swap('value: "0.19"', "value: 19"), ["2016-05-01", "ratio"]),
    ("missing reference", _swap('reference: "文件乙", ', ""), ["2016-05-01", "reference"]),
    ("missing status", _swap('"文件乙", status: unverified', '"文件乙"'), ["2016-05-01", "status"]),
    ("bad status", _swap("status: source-only", "status: probably"), ["2021-01-01", "probably"]),
    ("unquoted region code", _swap('"320506":', "320506:"), ["320506", "quoted"]),
    ("region outside Suzhou", _swap('"320506":', '"110101":'), ["110101", "Suzhou"]),
    ("9-digit region", _swap('"320506017000":', '"320506017":'), ["320506017"]),
    ("bad region entry", _swap('2010-01-01: {value: "0.17"', '2010-01-01: {value: 0.17'), ["320506017000", "float"]),
    ("not a date", _swap("2016-05-01:", "May 2016:"), ["May 2016", "YYYY-MM-DD"]),
    ("null first", _swap('2006-01-01: {value: "0.20", reference: "文件甲 第一条", status: verified}', "2006-01-01: null"),
     ["2006-01-01", "null"]),
    ("typo in an entry key", _swap('reference: "文件丙"', 'refrence: "文件丙"'), ["2021-01-01", "refrence"]),
    ("typo in a file key", _swap("values:", "value:"), ["value"]),
    ("missing label", _swap("label: {zh: 测试, en: Test}\n", ""), ["label"]),
    ("missing description", _swap("description: 测试参数 / a test parameter\n", ""), ["description"]),
    ("not YAML", GOOD + "  - : ][\n", ["YAML"]),
]


@pytest.mark.parametrize("text,needles", [d[1:] for d in DEFECTS], ids=[d[0] for d in DEFECTS])
def test_a_defect_fails_loading_with_file_and_entry(tmp_path, text, needles):
    with pytest.raises(ParameterError) as err:
        load_all(tree(tmp_path, text))
    problem = err.value.problems[0]
    assert problem.code == "param.invalid" and "contribution/rate.yaml" in problem.zh + problem.en
    for needle in needles:
        assert needle in problem.en, (needle, problem.en)


TABLE = """\
description: 表 / a table
label: {zh: 表, en: Table}
unit: table
table_unit: months
values:
  2006-01-01: {value: {40: 233, 41: "230", 47: "207.5"}, reference: "国发〔2005〕38号 附件", status: verified}
"""


def test_a_table_converts_its_cells_by_table_unit(tmp_path):
    v = param("contribution.rate", date(2010, 1, 1), root=tree(tmp_path, TABLE))
    assert v.value == {40: 233, 41: Decimal("230"), 47: Decimal("207.5")} and v.table_unit == "months"
    assert v.as_dict()["value"] == {"40": 233, "41": "230", "47": "207.5"}


@pytest.mark.parametrize("old,new,needle", [
    ("table_unit: months\n", "", "table_unit"),
    ("table_unit: months", "table_unit: table", "table_unit"),
    ("unit: table", "unit: ratio", "table_unit"),
    ("{40: 233, 41: \"230\", 47: \"207.5\"}", "{}", "non-empty"),
    ("{40: 233, 41: \"230\", 47: \"207.5\"}", "233", "non-empty"),
    ("41: \"230\"", "41: 230.0", "row 41"),
    ("41: \"230\"", "41: \"many\"", "row 41"),
    ("41: \"230\"", "4.5: \"230\"", "row 4.5"),
])
def test_table_defects(tmp_path, old, new, needle):
    with pytest.raises(ParameterError) as err:
        load_all(tree(tmp_path, TABLE.replace(old, new)))
    assert needle in err.value.problems[0].en


@pytest.mark.parametrize("unit,good,bad", [
    ("fen", "861300", '"8613.00"'), ("integer", "20", '"20"'), ("months", '"137.3"', '"-3"'),
    ("yuan", '"1854.70"', '"1854.705"'), ("text", "上年度平均工资", "12"), ("years", "15", "true"),
])
def test_each_unit_accepts_its_type_and_refuses_others(tmp_path, unit, good, bad):
    body = ("description: d\nlabel: {zh: 甲, en: A}\nunit: %s\n"
            "values:\n  2006-01-01: {value: %s, reference: r, status: verified}\n")
    assert load_all(tree(tmp_path / "ok", body % (unit, good)))
    with pytest.raises(ParameterError, match="does not fit the unit"):
        load_all(tree(tmp_path / "bad", body % (unit, bad)))


def test_file_path_rules(tmp_path):
    with pytest.raises(ParameterError, match="<topic>/<name>.yaml"):
        load_all(tree(tmp_path / "a", GOOD, rel="rate.yaml"))
    with pytest.raises(ParameterError, match="<topic>/<name>.yaml"):
        load_all(tree(tmp_path / "b", GOOD, rel="contribution/Rate-2.yaml"))
    with pytest.raises(ParameterError, match="<topic>/<name>.yaml"):
        load_all(tree(tmp_path / "c", GOOD, rel="contribution/rate.yml"))


# ---- the shipped tree ------------------------------------------------------------------------------------------

def test_every_shipped_file_loads_and_answers_on_each_of_its_dates():
    params = load_all()
    assert len(params) >= 16
    for p in (p for p in params.values() if CITY not in p.regions):  # a city override answers instead of the base
        previous = None
        for entry in p.values:  # on its date and the day before (the previous entry, or nothing)
            for day, expected in ((entry.since, entry), (entry.since - timedelta(days=1), previous)):
                if expected is None or expected.value is None:
                    with pytest.raises(ParameterError):
                        p.at(day)
                else:
                    assert (p.at(day).value, p.at(day).since) == (expected.value, expected.since)
            previous = entry
    for p in params.values():
        for code, entries in p.regions.items():
            for entry in (e for e in entries if e.value is not None):
                assert p.at(entry.since, code).region == code


@pytest.mark.parametrize("name,before,after,on", [
    ("contribution.pension_employer_rate", "0.20", "0.19", date(2016, 5, 1)),
    ("contribution.pension_employer_rate", "0.19", "0.16", date(2019, 5, 1)),
    ("collection.late_fee_daily_rate", "0.002", "0.0005", date(2011, 7, 1)),
    ("contribution.unemployment_employer_rate", None, "0.005", date(2017, 1, 1)),
    ("contribution.maternity_employer_rate", "0.01", None, date(2020, 1, 1)),
    ("wages.pension_base", 861300, None, date(2024, 4, 1)),
    ("wages.pension_base", None, 891700, date(2025, 12, 1)),
    ("wages.minimum_wage", 202000, 228000, date(2021, 8, 1)),
])
def test_shipped_boundaries(name, before, after, on):
    def get(day):
        try:
            return param(name, day).value
        except ParameterError:
            return None
    convert = (lambda x: x if x is None or isinstance(x, int) else Decimal(x))
    assert (get(on - timedelta(days=1)), get(on)) == (convert(before), convert(after))


def test_shipped_injury_classes_table():
    assert param("contribution.injury_class_rates", date(2015, 9, 30)).value == {
        1: Decimal("0.005"), 2: Decimal("0.01"), 3: Decimal("0.02")}
    eight = param("contribution.injury_class_rates", date(2015, 10, 1)).value
    assert len(eight) == 8 and (eight[1], eight[8]) == (Decimal("0.002"), Decimal("0.019"))


def test_shipped_medical_override_for_suzhou_and_the_industrial_park():
    assert param("contribution.medical_employer_rate", date(2023, 12, 31), "320508").region is None
    city = param("contribution.medical_employer_rate", date(2024, 1, 1), "320508017000")
    park = param("contribution.medical_employer_rate", date(2024, 1, 1), "320571")
    assert (city.value, city.region, city.status) == (Decimal("0.07"), CITY, "unverified")
    assert (park.value, park.region) == (Decimal("0.03"), "320571")


def test_no_average_wage_is_invented():
    assert parameter("wages.average_wage").values == ()
    with pytest.raises(ParameterError, match="no value has been entered"):
        param("wages.average_wage", date(2020, 1, 1))


# ---- laobao params -----------------------------------------------------------------------------------------------

def test_params_show_text(capsys):
    assert main(["params", "show", "contribution.pension_employer_rate", "--on", "2019-05-01"]) == 0
    out = capsys.readouterr().out
    for needle in ("0.16", "16%", "2019-05-01", "国办发〔2019〕13号", "未核实 UNVERIFIED", "基准值 base value"):
        assert needle in out


def test_params_show_region_and_table(capsys):
    assert main(["params", "show", "contribution.medical_employer_rate", "--on", "2024-06-01",
                 "--region", "320571"]) == 0
    assert "320571" in capsys.readouterr().out
    assert main(["params", "show", "contribution.injury_class_rates", "--on", "2016-01-01"]) == 0
    assert "8: 0.019" in capsys.readouterr().out


def test_params_show_json(capsys):
    assert main(["params", "show", "wages.pension_base", "--on", "2024-02-15", "--region", "320508", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["value"] == 861300 and data["since"] == "2024-01-01" and data["status"] == "verified"
    assert data["region"] is None and data["asked_region"] == "320508" and data["unit"] == "fen"


@pytest.mark.parametrize("args,needle", [
    (["show", "contribution.nope", "--on", "2010-01-01"], "contribution.nope"),
    (["show", "contribution.pension_employer_rate", "--on", "2010-02-30"], "2010-02-30"),
    (["show", "contribution.pension_employer_rate", "--on", "2010-01-01", "--region", "12"], "12"),
    (["show", "contribution.pension_employer_rate", "--on", "2005-12-31"], "2006-01-01"),
])
def test_params_show_refuses_bad_input_with_exit_2(capsys, args, needle):
    assert main(["params", *args]) == 2
    err = capsys.readouterr().err
    assert needle in err and "\n" in err.strip()  # Chinese line, then English line


def test_params_list(capsys):
    assert main(["params", "list"]) == 0
    out = capsys.readouterr().out
    assert "contribution.pension_employer_rate" in out and "wages.average_wage" in out
    assert main(["params", "list", "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["contribution.medical_employer_rate"]["regions"] == ["320500", "320571"]
    assert rows["wages.average_wage"]["entries"] == 0
