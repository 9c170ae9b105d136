"""Validation and normalisation of Chinese identity numbers.

Pure Python, no Django. Every rejection raises :class:`DomainError` with a stable rule code and a
message in Chinese and English that names the field, the broken rule and the fix.

Standards (summarised in the reference notes, law.md §5):

* GB 11643-1999  公民身份号码 (citizen ID, 18 characters; ISO 7064 MOD 11-2 check character),
  including the upgrade of legacy 15-digit numbers.
* GB/T 2260      行政区划代码 (only the province prefix is checked here).
* GB 32100-2015  统一社会信用代码 (unified social credit code, 18 characters; MOD 31 check).
* GB 11714-1997  组织机构代码 (legacy 9-character organisation code; MOD 11 check).

Error codes: citizen_id.length, citizen_id.charset, citizen_id.region, citizen_id.birth_date,
citizen_id.checksum, credit_code.length, credit_code.charset, credit_code.checksum,
org_code.length, org_code.charset, org_code.checksum, mobile.format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from laobao.core.errors import DomainError

__all__ = [
    "CitizenId",
    "CreditCode",
    "citizen_id_check_char",
    "credit_code_check_char",
    "org_code_check_char",
    "parse_citizen_id",
    "parse_credit_code",
    "parse_mobile",
    "parse_org_code",
    "upgrade_15_to_18",
]

# --------------------------------------------------------------------------------------------
# Citizen ID (GB 11643-1999)
# --------------------------------------------------------------------------------------------

#: W_i = 2^(18-i) mod 11, i = 1..17 (GB 11643-1999 §6, ISO 7064 MOD 11-2).
_CITIZEN_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CITIZEN_CHECK = "10X98765432"

#: First two digits of real GB/T 2260 province-level codes (71 Taiwan, 81 Hong Kong, 82 Macao).
PROVINCE_CODES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23"}
    | {str(n) for n in range(31, 38)}
    | {str(n) for n in range(41, 47)}
    | {str(n) for n in range(50, 55)}
    | {str(n) for n in range(61, 66)}
    | {"71", "81", "82"}
)

EARLIEST_BIRTH_DATE = date(1880, 1, 1)


@dataclass(frozen=True)
class CitizenId:
    """A validated 18-character citizen ID (GB 11643-1999)."""

    number: str
    birth_date: date
    sex: str  # "M" or "F": the 17th digit, odd = male (GB 11643-1999 §5.3)
    region_code: str  # first 6 digits, GB/T 2260 address code
    upgraded_from: str | None = None  # the legacy 15-digit number, if this one was upgraded

    def masked(self) -> str:
        """First 4 + 10 asterisks + last 4, e.g. ``3205**********1234``; birth date always hidden."""
        return f"{self.number[:4]}{'*' * 10}{self.number[-4:]}"


def citizen_id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of GB 11643-1999: "10X98765432"[Σ a_i·W_i mod 11]."""
    total = sum(int(c) * w for c, w in zip(first17, _CITIZEN_WEIGHTS, strict=True))
    return _CITIZEN_CHECK[total % 11]


def upgrade_15_to_18(number15: str, *, field: str = "citizen_id") -> str:
    """Upgrade a legacy 15-digit ID (GB 11643-1989) to 18 characters (GB 11643-1999).

    Inserts "19" before the YYMMDD birth date and appends the MOD 11-2 check character.
    Only the shape (15 digits) is checked here; :func:`parse_citizen_id` checks the rest.
    """
    number15 = _strip(number15)
    if len(number15) != 15:
        raise _citizen_length(field, len(number15))
    if not number15.isascii() or not number15.isdigit():
        raise _citizen_charset(field, number15, legacy=True)
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + citizen_id_check_char(first17)


def parse_citizen_id(value: str, *, field: str = "citizen_id", today: date | None = None) -> CitizenId:
    """Validate and normalise a citizen ID (GB 11643-1999; 15-digit legacy numbers are upgraded).

    Spaces are removed and a lower-case ``x`` check character becomes ``X``. Checks, in order:
    length, characters, GB/T 2260 province prefix, birth date (a real date between 1880-01-01 and
    ``today``), and the ISO 7064 MOD 11-2 check character.
    """
    number = _strip(value).upper()
    upgraded_from = None
    if len(number) == 15:
        upgraded_from, number = number, upgrade_15_to_18(number, field=field)
    elif len(number) != 18:
        raise _citizen_length(field, len(number))
    if not (_is_digits(number[:17]) and (_is_digits(number[17]) or number[17] == "X")):
        raise _citizen_charset(field, number, legacy=False)
    _check_region(field, number)
    birth = _check_birth_date(field, number[6:14], today or date.today())
    expected = citizen_id_check_char(number[:17])
    if number[17] != expected:
        raise DomainError.of(
            field,
            "citizen_id.checksum",
            f"公民身份号码校验位错误：按 GB 11643 第18位应为 {expected}，请核对证件后重新输入",
            f"Citizen ID check character is wrong: under GB 11643 the 18th character should be "
            f"{expected}; check the ID card and re-enter",
        )
    return CitizenId(
        number=number,
        birth_date=birth,
        sex="M" if int(number[16]) % 2 else "F",
        region_code=number[:6],
        upgraded_from=upgraded_from,
    )


def _strip(value: str | None) -> str:
    """Remove all whitespace, including the full-width space U+3000."""
    return "".join((value or "").split())


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _citizen_length(field: str, length: int) -> DomainError:
    return DomainError.of(
        field,
        "citizen_id.length",
        f"公民身份号码位数错误：按 GB 11643 应为18位（或旧版15位），实际为{length}位，请核对证件后重新输入",
        f"Citizen ID has the wrong length: under GB 11643 it must have 18 characters (or 15 for a "
        f"legacy number), got {length}; check the ID card and re-enter",
    )


def _citizen_charset(field: str, number: str, *, legacy: bool) -> DomainError:
    rule_zh = "15位旧号码应全部为数字" if legacy else "前17位应为数字，第18位应为数字或 X"
    rule_en = (
        "a 15-digit legacy number must be all digits"
        if legacy
        else "the first 17 characters must be digits and the 18th a digit or X"
    )
    return DomainError.of(
        field,
        "citizen_id.charset",
        f"公民身份号码含非法字符：按 GB 11643 {rule_zh}，请核对证件后重新输入",
        f"Citizen ID contains an invalid character: under GB 11643 {rule_en}; check the ID card and re-enter",
    )


def _check_region(field: str, number: str) -> None:
    if number[:2] not in PROVINCE_CODES:
        raise DomainError.of(
            field,
            "citizen_id.region",
            f"公民身份号码地址码错误：前两位 {number[:2]} 不是 GB/T 2260 中的省级行政区划代码，请核对证件后重新输入",
            f"Citizen ID address code is wrong: the first two digits {number[:2]} are not a GB/T 2260 "
            f"province code; check the ID card and re-enter",
        )


def _check_birth_date(field: str, yyyymmdd: str, today: date) -> date:
    try:
        birth = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        birth = None
    if birth is None or not EARLIEST_BIRTH_DATE <= birth <= today:
        why_zh = "不是有效日期" if birth is None else f"应在 {EARLIEST_BIRTH_DATE} 至 {today} 之间"
        why_en = "is not a real date" if birth is None else f"must lie between {EARLIEST_BIRTH_DATE} and {today}"
        raise DomainError.of(
            field,
            "citizen_id.birth_date",
            f"公民身份号码出生日期错误：按 GB 11643 第7–14位 {yyyymmdd} {why_zh}，请核对证件后重新输入",
            f"Citizen ID birth date is wrong: under GB 11643 characters 7-14 ({yyyymmdd}) {why_en}; "
            f"check the ID card and re-enter",
        )
    return birth


# --------------------------------------------------------------------------------------------
# Unified social credit code (GB 32100-2015) and organisation code (GB 11714-1997)
# --------------------------------------------------------------------------------------------

#: GB 32100-2015 character set, values 0..30 (I, O, Z, S, V excluded).
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_VALUE = {c: i for i, c in enumerate(CREDIT_CHARSET)}
#: W_i = 3^(i-1) mod 31, i = 1..17.
_CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

#: GB 11714-1997 weights for the 8 body characters.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_BODY = re.compile(r"[0-9A-Z]{8}")


@dataclass(frozen=True)
class CreditCode:
    """A validated unified social credit code (GB 32100-2015)."""

    code: str
    org_code: str  # positions 9-17: the subject identifier (normally a GB 11714 organisation code)
    region_code: str  # positions 3-8: GB/T 2260 division code

    @property
    def org_code_valid(self) -> bool:
        """Whether positions 9-17 also pass the GB 11714 check.

        Not enforced: codes of individual businesses may carry an identifier that is not a
        GB 11714 organisation code.
        """
        return org_code_check_char(self.org_code[:8]) == self.org_code[8]


def credit_code_check_char(first17: str) -> str:
    """GB 32100-2015 check character: charset[(31 − Σ value_i·3^(i−1) mod 31) mod 31]."""
    total = sum(_CREDIT_VALUE[c] * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def parse_credit_code(value: str, *, field: str = "credit_code") -> CreditCode:
    """Validate and normalise a unified social credit code (GB 32100-2015).

    Spaces are removed and letters upper-cased. Checks length (18), the 31-character set and the
    MOD 31 check character. The embedded organisation code is exposed, not enforced.
    """
    code = _strip(value).upper()
    if len(code) != 18:
        raise DomainError.of(
            field,
            "credit_code.length",
            f"统一社会信用代码位数错误：按 GB 32100 应为18位，实际为{len(code)}位，请核对营业执照后重新输入",
            f"Unified social credit code has the wrong length: under GB 32100 it must have 18 "
            f"characters, got {len(code)}; check the business licence and re-enter",
        )
    bad = [c for c in code if c not in _CREDIT_VALUE]
    if bad:
        raise DomainError.of(
            field,
            "credit_code.charset",
            f"统一社会信用代码含非法字符 {bad[0]}：按 GB 32100 只允许数字和除 I、O、Z、S、V 以外的大写字母，"
            f"请核对营业执照后重新输入",
            f"Unified social credit code contains the invalid character {bad[0]}: under GB 32100 only "
            f"digits and upper-case letters other than I, O, Z, S, V are allowed; check the business "
            f"licence and re-enter",
        )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise DomainError.of(
            field,
            "credit_code.checksum",
            f"统一社会信用代码校验位错误：按 GB 32100 第18位应为 {expected}，请核对营业执照后重新输入",
            f"Unified social credit code check character is wrong: under GB 32100 the 18th character "
            f"should be {expected}; check the business licence and re-enter",
        )
    return CreditCode(code=code, org_code=code[8:17], region_code=code[2:8])


def _org_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def org_code_check_char(first8: str) -> str:
    """GB 11714-1997 check character: 11 − (Σ value_i·W_i mod 11), where 10 → X and 11 → 0.

    Values: digits 0-9, letters A=10 … Z=35; weights 3 7 9 10 5 8 4 2.
    """
    total = sum(_org_value(c) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def parse_org_code(value: str, *, field: str = "org_code") -> str:
    """Validate a GB 11714-1997 organisation code; returns 9 characters without hyphen.

    Accepts ``XXXXXXXX-Y`` or ``XXXXXXXXY`` (spaces removed, letters upper-cased).
    """
    code = _strip(value).upper()
    if len(code) == 10 and code[8] == "-":
        code = code[:8] + code[9]
    if len(code) != 9:
        raise DomainError.of(
            field,
            "org_code.length",
            "组织机构代码位数错误：按 GB 11714 应为9位（可写作 XXXXXXXX-Y），请核对代码证后重新输入",
            "Organisation code has the wrong length: under GB 11714 it must have 9 characters "
            "(optionally written XXXXXXXX-Y); check the code certificate and re-enter",
        )
    if not _ORG_BODY.fullmatch(code[:8]) or not (_is_digits(code[8]) or code[8] == "X"):
        raise DomainError.of(
            field,
            "org_code.charset",
            "组织机构代码含非法字符：按 GB 11714 前8位应为数字或大写字母，第9位应为数字或 X，请核对代码证后重新输入",
            "Organisation code contains an invalid character: under GB 11714 the first 8 characters "
            "must be digits or upper-case letters and the 9th a digit or X; check the code certificate "
            "and re-enter",
        )
    expected = org_code_check_char(code[:8])
    if code[8] != expected:
        raise DomainError.of(
            field,
            "org_code.checksum",
            f"组织机构代码校验位错误：按 GB 11714 第9位应为 {expected}，请核对代码证后重新输入",
            f"Organisation code check character is wrong: under GB 11714 the 9th character should be "
            f"{expected}; check the code certificate and re-enter",
        )
    return code


# --------------------------------------------------------------------------------------------
# Mobile phone numbers
# --------------------------------------------------------------------------------------------

_MOBILE = re.compile(r"(?:\+?86)?(1[3-9]\d{9})")


def parse_mobile(value: str, *, field: str = "mobile") -> str:
    """Validate a mainland China mobile number; returns the 11 digits.

    Spaces and hyphens are removed; an optional ``+86`` / ``86`` country prefix is dropped.
    """
    match = _MOBILE.fullmatch(re.sub(r"[\s-]", "", value or ""))
    if not match or not match.group(1).isascii():
        raise DomainError.of(
            field,
            "mobile.format",
            "手机号码格式错误：应为以 13–19 开头的11位数字（可带 +86 前缀），请核对后重新输入",
            "Mobile number is malformed: it must be 11 digits starting with 13-19 (a +86 prefix is "
            "allowed); check the number and re-enter",
        )
    return match.group(1)
