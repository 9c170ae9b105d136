"""Public entry points of the registry's file import (the CLI ``laobao import``, later the web and API).

* :func:`import_persons` — persons from CSV/XLSX; with ``source="wuzhong"|"xiangcheng"`` the legacy merge.
* :func:`import_employers` — employers from CSV/XLSX.

Both validate every row first and write all rows in one transaction or none; see
``docs/IMPORT_FORMATS.md`` for the columns, the rules and the reports. The code is in
:mod:`laobao.registry.importing`.
"""

from .importing import ConflictRow, ImportResult, RowError, import_employers, import_persons

__all__ = ["ConflictRow", "ImportResult", "RowError", "import_employers", "import_persons"]
