"""The bank / tax-bureau payment file (docs/IMPORT_FORMATS.md, "Payment file"): read and check every row.

CSV, header row ``bank_ref,channel,payer_code,amount,paid_on``; UTF-8 (with or without BOM) or GBK
(GB 18030). Amounts are yuan with at most two decimals, parsed as text into integer fen — never float.
A row repeated identically in the file counts once; the same ``bank_ref`` with other content is an error.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import date
from pathlib import Path

import numpy as np

from laobao.core.errors import DomainError
from laobao.core.identifiers import CREDIT_CHARSET, parse_citizen_id, parse_credit_code

COLUMNS = ("bank_ref", "channel", "payer_code", "amount", "paid_on")
CHANNELS = ("bank", "tax")
AMOUNT_RE = re.compile(r"^(\d{1,13})(?:\.(\d{1,2}))?$")
REF_RE = re.compile(r"^[A-Za-z0-9_.:/-]{1,64}$")


@dataclass(frozen=True)
class PaymentRow:
    line: int
    bank_ref: str
    channel: str
    payer_code: str
    payer_kind: str  # "employer" (credit code) or "person" (citizen ID)
    amount_fen: int
    paid_on: date

    def same_as(self, other: "PaymentRow") -> bool:
        return (self.channel, self.payer_code, self.amount_fen, self.paid_on) == (
            other.channel, other.payer_code, other.amount_fen, other.paid_on)


@dataclass
class RowError:
    line: int
    field: str
    zh: str
    en: str

    def __str__(self) -> str:
        return f"第{self.line}行 line {self.line} [{self.field}]: {self.zh} / {self.en}"


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def parse_amount(text: str) -> int:
    m = AMOUNT_RE.match(text)
    if not m or (int(m.group(1)) == 0 and not int((m.group(2) or "0").ljust(2, "0"))):
        raise DomainError.of("amount", "payment.amount",
                             f"金额“{text}”无效：应为大于零的元金额，最多两位小数，如 1234.50",
                             f"amount '{text}' is invalid: give yuan above zero with at most two decimals, e.g. 1234.50")
    return int(m.group(1)) * 100 + int((m.group(2) or "0").ljust(2, "0"))


@lru_cache(maxsize=4096)  # a file has few distinct days: 0.1 s per 100,000 rows less (a date is immutable)
def parse_day(text: str) -> date:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError.of("paid_on", "payment.paid_on", f"缴费日期“{text}”无效：应为 YYYY-MM-DD",
                             f"paid_on '{text}' is invalid: use YYYY-MM-DD") from None


_CREDIT_LUT = np.full(256, -1, dtype=np.int64)
_CREDIT_LUT[[ord(c) for c in CREDIT_CHARSET]] = np.arange(len(CREDIT_CHARSET))
_CREDIT_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)  # GB 32100: W_i = 3^(i-1) mod 31


def valid_credit_codes(texts: list[str]) -> set[str]:
    """The texts that, stripped and upper-cased, are valid unified social credit codes (GB 32100: 18 characters
    of the charset, MOD 31 check character), all checked at once in NumPy. The rest go through
    ``parse_credit_code`` one by one (and get its message when invalid)."""
    norm = [t.strip().upper() for t in texts]
    cands = [t for t in norm if len(t) == 18 and t.isascii()]
    if not cands:
        return set()
    vals = _CREDIT_LUT[np.frombuffer("".join(cands).encode("ascii"), dtype=np.uint8).reshape(-1, 18)]
    check = (31 - (vals[:, :17] * _CREDIT_WEIGHTS).sum(axis=1) % 31) % 31
    ok = (vals >= 0).all(axis=1) & (vals[:, 17] == check)
    return {t for t, good in zip(cands, ok.tolist()) if good}


def parse_payer(text: str, valid: set[str] | frozenset = frozenset()) -> tuple[str, str]:
    """(kind, normalized code): a unified social credit code is an employer, a citizen ID a person.
    ``valid``: codes already known valid (``valid_credit_codes``)."""
    text = text.strip().upper()
    if text in valid:
        return "employer", text
    try:
        return "employer", parse_credit_code(text, field="payer_code").code
    except DomainError:
        pass
    try:
        return "person", parse_citizen_id(text, field="payer_code").number
    except DomainError:
        raise DomainError.of("payer_code", "payment.payer_code",
                             f"缴费人代码“{text}”既不是有效的统一社会信用代码，也不是有效的公民身份号码：请核对",
                             f"payer_code '{text}' is neither a valid credit code nor a valid citizen ID: check it") from None


def _row(line: int, raw: dict, valid: set[str] | frozenset = frozenset()) -> PaymentRow:
    ref = (raw.get("bank_ref") or "").strip()
    if not REF_RE.match(ref):
        raise DomainError.of("bank_ref", "payment.bank_ref",
                             "银行流水号必填，1–64 位字母、数字或 _.:/-", "bank_ref is required: 1–64 letters, digits or _.:/-")
    channel = (raw.get("channel") or "").strip().lower()
    if channel not in CHANNELS:
        raise DomainError.of("channel", "payment.channel", f"渠道“{channel}”无效：应为 bank 或 tax",
                             f"channel '{channel}' is invalid: use bank or tax")
    kind, code = parse_payer(raw.get("payer_code") or "", valid)
    return PaymentRow(line, ref, channel, code, kind, parse_amount((raw.get("amount") or "").strip()),
                      parse_day((raw.get("paid_on") or "").strip()))


def read(path: str | Path) -> tuple[list[PaymentRow], list[RowError], int]:
    """(rows, errors, repeated): every row checked; identical repeats dropped and counted."""
    text = decode(Path(path).read_bytes())
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [RowError(1, "header", f"表头缺少列：{', '.join(missing)}（应为 {','.join(COLUMNS)}）",
                             f"the header lacks {', '.join(missing)} (expected {','.join(COLUMNS)})")], 0
    reader.fieldnames = header
    rows: dict[str, PaymentRow] = {}
    errors: list[RowError] = []
    repeated = 0
    raws = list(reader)
    valid = valid_credit_codes([raw.get("payer_code") or "" for raw in raws])
    for line, raw in enumerate(raws, start=2):
        try:
            row = _row(line, raw, valid)
        except DomainError as exc:
            p = exc.problems[0]
            errors.append(RowError(line, p.field, p.zh, p.en))
            continue
        first = rows.get(row.bank_ref)
        if first is None:
            rows[row.bank_ref] = row
        elif first.same_as(row):
            repeated += 1
        else:
            errors.append(RowError(line, "bank_ref", f"流水号 {row.bank_ref} 在第{first.line}行已出现且内容不同",
                                   f"bank_ref {row.bank_ref} already appears on line {first.line} with other content"))
    return list(rows.values()), errors, repeated
