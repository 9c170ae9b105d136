"""File import of the registry (CSV/XLSX) and the legacy merge (并轨). Formats: docs/IMPORT_FORMATS.md."""

from .common import ConflictRow, ImportResult, RowError
from .service import import_employers, import_persons

__all__ = ["ConflictRow", "ImportResult", "RowError", "import_employers", "import_persons"]
