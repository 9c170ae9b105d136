"""社会保险费核定，列式 — the contribution assessment over NumPy columns (millions of person-insurance rows).

Same rule as :func:`laobao.policy.rules.contribution.assessment.assess`, same results to the fen: each
share becomes an integer numerator n over d = 10**k once, and the half-up rounding of base × n / d is
``(2·base·n + d) // (2·d)`` in int64 (``exact.py``). No float anywhere.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from laobao.core.errors import DomainError
from laobao.policy.rules.contribution.assessment import ContributionParams, check_params
from laobao.policy.rules.contribution.exact import check_product, negative, numerators, scale_of

COLUMNS = ("base", "employer", "employee", "account")
CHUNK = 1 << 14  # 16,384 rows: a chunk's six int64 columns (~800 KiB) stay in a 1 MiB L2 cache


class _Tables:
    """The parameters turned once into int64 lookup tables indexed by insurance."""

    def __init__(self, params: ContributionParams):
        rates = params.insurances
        shares = [r.employer_rate for r in rates] + [r.employee_rate for r in rates] + \
                 [r.account_share for r in rates]
        self.d = scale_of(shares)
        self.twice = {name: 2 * numerators([getattr(r, attr) for r in rates], self.d)
                      for name, attr in (("employer", "employer_rate"), ("employee", "employee_rate"),
                                         ("account", "account_share"))}
        limits = [params.limits(r) for r in rates]
        self.floor = np.array([f if f is not None else 0 for f, _ in limits], dtype=np.int64)
        self.cap = np.array([c if c is not None else np.iinfo(np.int64).max for _, c in limits], dtype=np.int64)
        self.uniform = len(set(limits)) == 1
        self.max_n = max(int(t.max()) for t in self.twice.values()) if rates else 0


def _validate_columns(base: np.ndarray, index: np.ndarray, tables: _Tables, size: int) -> None:
    if base.shape != index.shape:
        raise DomainError.of("insurance_index", "contribution.shape", "基数列与险种列长度不一致。",
                             "The base column and the insurance column differ in length.")
    if not base.size:
        return
    low, high = int(base.min()), int(base.max())
    if low < 0:
        raise negative("wage", low)
    if int(index.min()) < 0 or int(index.max()) >= size:
        raise DomainError.of("insurance_index", "contribution.bad_index",
                             f"险种序号须在 0–{size - 1} 之间。", f"Insurance indexes must be 0–{size - 1}.")
    check_product(min(high, int(tables.cap.max())), max(tables.max_n, tables.d), "wage")


def _assess_chunk(base, index, out, t: _Tables, lo: int, hi: int, scratch: np.ndarray) -> None:
    b = out["base"][lo:hi]
    if t.uniform:
        np.clip(base[lo:hi], t.floor[0], t.cap[0], out=b)
    else:
        np.maximum(base[lo:hi], np.take(t.floor, index[lo:hi], mode="clip"), out=b)
        np.minimum(b, np.take(t.cap, index[lo:hi], mode="clip"), out=b)
    idx = index[lo:hi]
    tmp = scratch[:hi - lo]
    for name in ("employer", "employee", "account"):
        np.take(t.twice[name], idx, out=tmp, mode="clip")  # indexes were range-checked once; "clip" skips the check
        np.multiply(tmp, b, out=tmp)
        tmp += t.d
        np.floor_divide(tmp, 2 * t.d, out=out[name][lo:hi])


def _assess_span(base, index, out, t: _Tables, lo: int, hi: int, chunk: int) -> None:
    scratch = np.empty(min(chunk, hi - lo), dtype=np.int64)
    for start in range(lo, hi, chunk):
        _assess_chunk(base, index, out, t, start, min(start + chunk, hi), scratch)


def _outputs(out, shape) -> dict[str, np.ndarray]:
    if out is None:
        return {name: np.empty(shape, dtype=np.int64) for name in COLUMNS}
    if any(out[name].shape != shape or out[name].dtype != np.int64 for name in COLUMNS):
        raise ValueError(f"out must hold int64 columns {COLUMNS} of shape {shape}")
    return out


def assess_columns(base_fen: np.ndarray, insurance_index: np.ndarray, params: ContributionParams, *,
                   threads: int | None = None, chunk: int = CHUNK,
                   out: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Assess person-insurance rows in columns: row i is ``base_fen[i]`` in ``params.insurances[insurance_index[i]]``.

    Returns int64 columns ``base``, ``employer``, ``employee``, ``account``, equal to ``assess`` row by row:
    rates are integers n over d = 10**k and half-up rounding is ``(2·base·n + d) // (2·d)``. Work is
    cut into cache-sized chunks spread over ``threads`` (default: every core; NumPy releases the GIL).
    ``out`` may hand in the four result columns (int64, same length) to be filled, e.g. buffers reused
    month after month, which saves the kernel's zero-filling of fresh pages.
    """
    check_params(params)
    base = np.ascontiguousarray(base_fen, dtype=np.int64)
    index = np.ascontiguousarray(insurance_index)
    if not np.issubdtype(index.dtype, np.integer):
        raise DomainError.of("insurance_index", "contribution.bad_index", "险种序号须为整数。",
                             "Insurance indexes must be integers.")
    tables = _Tables(params)
    _validate_columns(base, index, tables, len(params.insurances))
    out = _outputs(out, base.shape)
    workers = max(1, min(threads or os.cpu_count() or 1, -(-base.size // chunk)))
    step = -(-base.size // workers)
    spans = [(lo, min(lo + step, base.size)) for lo in range(0, base.size, step)] if base.size else []
    if len(spans) < 2:
        for lo, hi in spans:
            _assess_span(base, index, out, tables, lo, hi, chunk)
    else:  # one contiguous span per thread, walked chunk by chunk (many small tasks scaled worse)
        with ThreadPoolExecutor(len(spans)) as pool:
            list(pool.map(lambda span: _assess_span(base, index, out, tables, *span, chunk), spans))
    return out
