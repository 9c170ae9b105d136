#!/usr/bin/env python3
"""Compile every translation catalogue (.po → .mo) under src/laobao, without GNU gettext.

Run by ``make messages``; the .mo files are committed next to their .po so that an installed
package needs no build step. polib writes only translated, non-fuzzy entries, so an entry still
waiting for its translation falls back to its (Chinese) msgid rather than showing a wrong text.

    python scripts/compile_messages.py          # compile
    python scripts/compile_messages.py --check  # exit 1 if a .mo is missing or out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "src" / "laobao"


def catalogues(root: Path = ROOT) -> list[Path]:
    return sorted(root.rglob("LC_MESSAGES/*.po"))


def entries(catalogue) -> dict:
    """The translations a catalogue carries, comparable between a .po and a .mo."""
    out = {}
    for e in catalogue:
        if not e.msgid or e.obsolete or "fuzzy" in e.flags:
            continue
        if e.msgid_plural:
            forms = tuple(v for _k, v in sorted(e.msgstr_plural.items()))
            if all(forms):
                out[(e.msgctxt, e.msgid, e.msgid_plural)] = forms
        elif e.msgstr:
            out[(e.msgctxt, e.msgid, None)] = (e.msgstr,)
    return out


def up_to_date(po_path: Path) -> bool:
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return False
    return entries(polib.pofile(str(po_path))) == entries(polib.mofile(str(mo_path)))


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for po_path in catalogues():
        if check:
            if not up_to_date(po_path):
                stale.append(po_path)
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
        print(f"compiled {po_path.relative_to(ROOT.parent.parent)}")
    for path in stale:
        print(f"out of date: {path.with_suffix('.mo')} (run: python scripts/compile_messages.py)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
