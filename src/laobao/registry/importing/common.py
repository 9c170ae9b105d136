"""What every import shares: the result types, reading the input, the region cache, scope checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TypeVar

from django.conf import settings

from laobao.core.errors import DomainError, Forbidden, Problem
from laobao.core.models import Region
from laobao.core.scoping import can, in_scope

from .. import validation as v

T = TypeVar("T")
CHUNK = 500  # ids per IN (...) lookup: well under SQLite's and PostgreSQL's parameter limits
BULK = 1000  # objects per INSERT


@dataclass
class RowError:
    """Everything wrong with one row of the file (``row`` as numbered in Excel: the header is row 1)."""

    row: int
    problems: list[Problem]

    def message(self, labels: dict[str, str] | None = None) -> str:
        labels = labels or {}
        parts = [f"{labels.get(p.field, p.field)}：{p.zh} / {p.en}" for p in self.problems]
        return f"第{self.row}行 / row {self.row}：" + "；".join(parts)


@dataclass
class ConflictRow:
    """One fact on which a legacy record and the city registry disagree (listed in the conflict report)."""

    row: int
    legacy_key: str
    masked_id: str
    field: str
    registry_value: str
    legacy_value: str
    status: str  # "new" (opened by this run) or the status of the conflict already on record


@dataclass
class ImportResult:
    kind: str  # "persons" or "employers"
    filename: str
    sha256: str
    source: str | None = None
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    linked: int = 0
    conflicts: int = 0  # conflicts opened by this run
    errors: list[RowError] = field(default_factory=list)
    report_path: Path | None = None
    conflict_rows: list[ConflictRow] = field(default_factory=list)
    conflict_report_path: Path | None = None
    paths: set[str] = field(default_factory=set, repr=False)  # region paths of the rows (the audit's region)
    labels: dict[str, str] = field(default_factory=dict, repr=False)  # field → column label, for messages
    written_ids: list[int] = field(default_factory=list, repr=False)  # records created or linked (for the audit)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return (f"导入未执行：共{self.rows}行，{len(self.errors)}行有错误，未写入任何数据 / "
                    f"import rejected: {len(self.errors)} of {self.rows} rows have errors, nothing was written"
                    + (f"; report: {self.report_path}" if self.report_path else ""))
        if self.source:
            return (f"merged {self.source}: {self.created} new, {self.linked} linked, {self.conflicts} conflicts, "
                    f"{self.unchanged} already merged")
        if self.kind == "employers":
            return (f"imported employers: {self.created} created, {self.linked} linked, "
                    f"{self.unchanged} unchanged, 0 errors")
        return f"imported persons: {self.created} created, {self.unchanged} unchanged, 0 errors"


class RowCheck:
    """Collects the problems of one row: every rule is tried, so the report names all of them at once."""

    def __init__(self, problems: list[Problem] | None = None):
        self.problems: list[Problem] = list(problems or [])
        self._bad = {p.field for p in self.problems}

    def run(self, key: str, fn: Callable[..., T], *args, **kwargs) -> T | None:
        if key in self._bad:
            return None  # the cell could not be read (e.g. an Excel number): one message is enough
        try:
            return fn(*args, **kwargs)
        except DomainError as exc:
            self.problems.extend(exc.problems)
            self._bad.add(key)
            return None

    def add(self, field: str, code: str, zh: str, en: str) -> None:
        self.problems.append(Problem(field=field, code=code, zh=zh, en=en))


class Memo:
    """A validator memoised for one import run, remembering failures too (100,000 rows, few distinct values).

    Per run, not global: choice labels depend on the active language and regions change over time.
    """

    def __init__(self, fn: Callable[..., T]):
        self.fn = fn
        self._cache: dict[tuple, object] = {}

    def __call__(self, *args, **kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        if key not in self._cache:
            try:
                self._cache[key] = self.fn(*args, **kwargs)
            except DomainError as exc:
                self._cache[key] = _Failed(exc.problems)
        hit = self._cache[key]
        if isinstance(hit, _Failed):
            raise DomainError(*hit.problems)  # a fresh exception: re-raising one object grows its traceback
        return hit


@dataclass(frozen=True)
class _Failed:
    problems: list[Problem]


class Regions:
    """``validation.clean_region`` memoised per code: 100,000 rows name only a few thousand communities."""

    def __init__(self, levels):
        self._clean = Memo(lambda code, field: v.clean_region(code, field=field, levels=levels))

    def get(self, code: str, *, field: str) -> Region:
        return self._clean((code or "").strip(), field)


def read_input(path_or_file) -> tuple[bytes, str, Path | None]:
    """The bytes, the file name and (for a path) its location, from a path or an uploaded file object."""
    if isinstance(path_or_file, (str, Path)):
        path = Path(path_or_file)
        try:
            return path.read_bytes(), path.name, path
        except OSError as exc:
            raise DomainError.of(
                "file", "file.unreadable", f"无法读取文件 {path}：{exc.strerror}，请检查路径和权限",
                f"Cannot read the file {path}: {exc.strerror}; check the path and permissions") from None
    data = path_or_file.read()
    name = Path(getattr(path_or_file, "name", "") or "upload.csv").name
    return data, name, None


def sibling_path(source: Path | None, filename: str, sha256: str, suffix: str) -> Path:
    """``persons.csv`` → ``persons.errors.csv`` next to the input, or under ``VAR_DIR/imports`` for uploads."""
    stem = Path(filename).stem
    if source is not None:
        return source.with_name(f"{stem}{suffix}")
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{stem}-{sha256[:12]}{suffix}"


def check_import_allowed(user) -> None:
    """``user`` None is the operator at the machine (CLI, whole city); staff need the import permission."""
    if user is not None and not can(user, "registry.import"):
        raise Forbidden


def out_of_scope(user, path: str | None) -> bool:
    return user is not None and not in_scope(user, path)


def common_path(paths) -> str:
    """The deepest region path containing all ``paths`` (the audit row's region: who may read it)."""
    paths = [p for p in paths if p]
    if not paths:
        return ""
    parts = [p.strip("/").split("/") for p in paths]
    prefix = []
    for level in zip(*parts):
        if len(set(level)) != 1:
            break
        prefix.append(level[0])
    return "/" + "/".join(prefix) + "/" if prefix else ""


def chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def id_ranges(ids) -> list[list[int]]:
    """Record ids as inclusive ranges ([[1, 5000], [5002, 5002]]): which rows an import wrote, compactly."""
    out: list[list[int]] = []
    for pk in sorted(i for i in ids if i is not None):
        if out and pk == out[-1][1] + 1:
            out[-1][1] = pk
        else:
            out.append([pk, pk])
    return out
