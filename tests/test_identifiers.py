"""Identity numbers: GB 11643 citizen IDs, GB 32100 credit codes, GB 11714 org codes, mobiles."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from laobao.core.errors import DomainError
from laobao.core.identifiers import (
    CREDIT_CHARSET,
    PROVINCE_CODES,
    CitizenId,
    citizen_id_check_char,
    credit_code_check_char,
    org_code_check_char,
    parse_citizen_id,
    parse_credit_code,
    parse_mobile,
    parse_org_code,
    upgrade_15_to_18,
)

FAST = settings(max_examples=200, deadline=None)
TODAY = date(2025, 6, 30)
DIGITS = "0123456789"
ID_CHARS = DIGITS + "X"


def error_code(func, *args, **kwargs) -> str:
    with pytest.raises(DomainError) as info:
        func(*args, **kwargs)
    (problem,) = info.value.problems
    assert problem.zh and problem.en and problem.field
    return problem.code


# --- strategies ------------------------------------------------------------------------------

@st.composite
def valid_ids(draw) -> str:
    province = draw(st.sampled_from(sorted(PROVINCE_CODES)))
    rest = draw(st.text(DIGITS, min_size=4, max_size=4))
    birth = draw(st.dates(date(1900, 1, 1), date(2020, 12, 31)))
    seq = draw(st.integers(0, 999))
    first17 = f"{province}{rest}{birth:%Y%m%d}{seq:03d}"
    return first17 + citizen_id_check_char(first17)


@st.composite
def valid_credit_codes(draw) -> str:
    first17 = draw(st.text(CREDIT_CHARSET, min_size=17, max_size=17))
    return first17 + credit_code_check_char(first17)


@st.composite
def substitutions(draw, numbers, alphabet):
    """A valid number and a copy with one character replaced by a different allowed character."""
    number = draw(numbers)
    pos = draw(st.integers(0, len(number) - 1))
    char = draw(st.sampled_from([c for c in alphabet if c != number[pos]]))
    return number, number[:pos] + char + number[pos + 1 :]


# --- citizen ID: official examples -------------------------------------------------------------

def test_standard_example_is_valid():
    cid = parse_citizen_id("11010519491231002X", today=TODAY)
    assert cid == CitizenId(
        number="11010519491231002X",
        birth_date=date(1949, 12, 31),
        sex="F",
        region_code="110105",
        upgraded_from=None,
    )


def test_standard_counterexample_fails_checksum():
    assert error_code(parse_citizen_id, "110105194912310021", today=TODAY) == "citizen_id.checksum"


def test_checksum_message_names_the_expected_character():
    with pytest.raises(DomainError) as info:
        parse_citizen_id("110105194912310021", field="id_no", today=TODAY)
    problem = info.value.problems[0]
    assert problem.field == "id_no"
    assert "GB 11643" in problem.zh and "应为 X" in problem.zh
    assert "GB 11643" in problem.en and "should be X" in problem.en


def test_lower_case_x_and_spaces_are_normalised():
    cid = parse_citizen_id(" 110105 19491231 002x ", today=TODAY)
    assert cid.number == "11010519491231002X"


def test_fifteen_digit_upgrade():
    assert upgrade_15_to_18("130503670401001") == "130503196704010016"
    cid = parse_citizen_id("130503670401001", today=TODAY)
    assert cid.number == "130503196704010016"
    assert cid.upgraded_from == "130503670401001"
    assert cid.birth_date == date(1967, 4, 1)
    assert cid.sex == "M"


def test_upgrade_rejects_malformed_input():
    assert error_code(upgrade_15_to_18, "13050367040100") == "citizen_id.length"
    assert error_code(upgrade_15_to_18, "13050367040100A") == "citizen_id.charset"


def test_check_char_agrees_with_stdnum():
    assert citizen_id_check_char("11010519491231002") == "X"
    assert credit_code_check_char("91350100M000100Y4") == "3"


# --- citizen ID: each rule has its own code ---------------------------------------------------

@pytest.mark.parametrize(
    "value, code",
    [
        ("11010519490231" + "002", "citizen_id.birth_date"),  # 31 Feb, check char appended below
        ("11010520250701" + "002", "citizen_id.birth_date"),  # after TODAY
        ("11010518791231" + "002", "citizen_id.birth_date"),  # before 1880
        ("11010519491300" + "002", "citizen_id.birth_date"),  # month 13
        ("99010519491231" + "002", "citizen_id.region"),
        ("00010519491231" + "002", "citizen_id.region"),
        ("16010519491231" + "002", "citizen_id.region"),
    ],
)
def test_structural_rules(value, code):
    assert error_code(parse_citizen_id, value + citizen_id_check_char(value), today=TODAY) == code


@pytest.mark.parametrize(
    "value, code",
    [
        ("", "citizen_id.length"),
        ("11010519491231002", "citizen_id.length"),
        ("11010519491231002X1", "citizen_id.length"),
        ("1101051949123100", "citizen_id.length"),
        ("1101051949123X002", "citizen_id.length"),
        ("1101051949123A002X", "citizen_id.charset"),
        ("11010519491231002Y", "citizen_id.charset"),
        ("X10105194912310021", "citizen_id.charset"),
        ("11010519491231００2X", "citizen_id.charset"),  # full-width digits
        ("13050367040100X", "citizen_id.charset"),  # 15-digit numbers carry no X
        ("130503670231001", "citizen_id.birth_date"),  # 15-digit, 1967-02-31
        ("990503670401001", "citizen_id.region"),
    ],
)
def test_malformed_ids(value, code):
    assert error_code(parse_citizen_id, value, today=TODAY) == code


def test_future_date_uses_today():
    first17 = "11010520240101002"
    number = first17 + citizen_id_check_char(first17)
    assert error_code(parse_citizen_id, number, today=date(2023, 12, 31)) == "citizen_id.birth_date"
    assert parse_citizen_id(number, today=date(2024, 1, 1)).birth_date == date(2024, 1, 1)


def test_masked():
    cid = parse_citizen_id("11010519491231002X", today=TODAY)
    assert cid.masked() == "1101**********002X"


# --- citizen ID: properties -------------------------------------------------------------------

@FAST
@given(valid_ids())
def test_generated_ids_are_accepted(number):
    cid = parse_citizen_id(number, today=TODAY)
    assert cid.number == number
    assert cid.region_code == number[:6]
    assert f"{cid.birth_date:%Y%m%d}" == number[6:14]
    assert cid.sex == ("M" if int(number[16]) % 2 else "F")
    assert ric.calc_check_digit(number) == number[17]  # independent oracle (python-stdnum)
    assert parse_citizen_id(number.lower(), today=TODAY) == cid


@FAST
@given(substitutions(valid_ids(), ID_CHARS))
def test_every_single_substitution_is_rejected(pair):
    _, changed = pair
    with pytest.raises(DomainError):
        parse_citizen_id(changed, today=TODAY)


@pytest.mark.parametrize("number", ["11010519491231002X", "130503196704010016"])
def test_every_substitution_of_the_examples_is_rejected(number):
    for pos, old in enumerate(number):
        for char in ID_CHARS.replace(old, ""):
            with pytest.raises(DomainError):
                parse_citizen_id(number[:pos] + char + number[pos + 1 :], today=TODAY)


def test_every_substitution_of_the_credit_code_example_is_rejected():
    code = "91350100M000100Y43"
    for pos, old in enumerate(code):
        for char in CREDIT_CHARSET.replace(old, ""):
            assert error_code(parse_credit_code, code[:pos] + char + code[pos + 1 :]) == "credit_code.checksum"


@FAST
@given(valid_ids())
def test_masked_never_shows_birth_date(number):
    masked = parse_citizen_id(number, today=TODAY).masked()
    assert number[6:14] not in masked
    assert masked[4:14] == "*" * 10
    assert len(masked) == 18 and masked[:4] == number[:4] and masked[-4:] == number[-4:]


@FAST
@given(st.text(DIGITS, min_size=17, max_size=17))
def test_citizen_check_char_matches_stdnum(first17):
    # stdnum's calc_check_digit takes the full 18 characters and ignores the last one.
    assert citizen_id_check_char(first17) == ric.calc_check_digit(first17 + "0")


@FAST
@given(valid_ids())
def test_upgrade_round_trip(number):
    legacy = number[:6] + number[8:17]
    if number[6:8] == "19":
        assert upgrade_15_to_18(legacy) == number


# --- credit code and org code -------------------------------------------------------------------

def test_credit_code_standard_example():
    cc = parse_credit_code("91350100M000100Y43")
    assert cc.code == "91350100M000100Y43"
    assert cc.org_code == "M000100Y4"
    assert cc.region_code == "350100"
    assert cc.org_code_valid
    assert parse_org_code(cc.org_code) == "M000100Y4"
    assert parse_org_code("M000100Y-4") == "M000100Y4"
    assert org_code_check_char("M000100Y") == "4"


def test_credit_code_normalised():
    assert parse_credit_code(" 91350100m000100y43 ").code == "91350100M000100Y43"


def test_org_code_not_enforced_inside_credit_code():
    # Individual business (92...) whose identifier fails the GB 11714 check: still accepted.
    body = "MA1X2Y3Q"
    wrong = "1" if org_code_check_char(body) != "1" else "2"
    first17 = "92320500" + body + wrong
    cc = parse_credit_code(first17 + credit_code_check_char(first17))
    assert cc.org_code == body + wrong
    assert not cc.org_code_valid


@pytest.mark.parametrize(
    "value, code",
    [
        ("91350100M000100Y4", "credit_code.length"),
        ("91350100M000100Y433", "credit_code.length"),
        ("", "credit_code.length"),
        ("91350100M000100I43", "credit_code.charset"),
        ("91350100M000100O43", "credit_code.charset"),
        ("9135010OM000100Y43", "credit_code.charset"),
        ("91350100M000100S43", "credit_code.charset"),
        ("91350100M000100V43", "credit_code.charset"),
        ("91350100M000100Z43", "credit_code.charset"),
        ("91350100M000100Y4-", "credit_code.charset"),
        ("91350100M000100Y44", "credit_code.checksum"),
    ],
)
def test_malformed_credit_codes(value, code):
    assert error_code(parse_credit_code, value) == code


@pytest.mark.parametrize(
    "value, code",
    [
        ("M000100Y5", "org_code.checksum"),
        ("M000100Y-5", "org_code.checksum"),
        ("M000100Y", "org_code.length"),
        ("M000100-Y4", "org_code.length"),
        ("M000100#4", "org_code.charset"),
        ("M000100YA", "org_code.charset"),
    ],
)
def test_malformed_org_codes(value, code):
    assert error_code(parse_org_code, value) == code


def test_org_code_check_char_10_and_11():
    # Search the digit space for bodies whose check value is 10 (X) and 11 (0).
    seen = {org_code_check_char(f"{n:08d}") for n in range(200)}
    assert {"X", "0"} <= seen
    for n in range(200):
        body = f"{n:08d}"
        assert parse_org_code(body + org_code_check_char(body)) == body + org_code_check_char(body)


@FAST
@given(valid_credit_codes())
def test_generated_credit_codes_are_accepted(code):
    cc = parse_credit_code(code)
    assert cc.code == code and cc.org_code == code[8:17] and cc.region_code == code[2:8]
    assert uscc.calc_check_digit(code[:17]) == code[17]  # independent oracle


@FAST
@given(substitutions(valid_credit_codes(), CREDIT_CHARSET))
def test_every_credit_code_substitution_is_rejected(pair):
    _, changed = pair
    assert error_code(parse_credit_code, changed) == "credit_code.checksum"


@FAST
@given(st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=8, max_size=8))
def test_generated_org_codes_are_accepted(body):
    code = body + org_code_check_char(body)
    assert parse_org_code(code) == code
    assert parse_org_code(f"{body}-{code[8]}".lower()) == code


# --- mobile -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "value",
    ["13812345678", "+86 138 1234 5678", "86-138-1234-5678", "+8613812345678", "199 1234 5678"],
)
def test_valid_mobiles(value):
    assert parse_mobile(value) in {"13812345678", "19912345678"}


@pytest.mark.parametrize(
    "value",
    ["", "12812345678", "1381234567", "138123456789", "0138123456789", "+1 138 1234 5678",
     "1381234567a", "１３８１２３４５６７８", "+86+8613812345678", "85213812345678"],
)
def test_invalid_mobiles(value):
    assert error_code(parse_mobile, value, field="phone") == "mobile.format"
