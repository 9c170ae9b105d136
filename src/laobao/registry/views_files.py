"""Back-office pages for files: what ``laobao import`` and ``laobao export`` do, from the browser.

* ``/imports/`` — a district or city officer uploads persons, employers or a legacy export (并轨) as CSV
  or XLSX. The import service validates every row and writes all of them or none; the page shows the
  counts, the first rows in error, and a link to the full report.
* ``/imports/report/?t=TOKEN`` — that report (every original row plus the error column, or the merge's
  conflict list), served once, to the user who uploaded the file, then deleted.
* ``/exports/`` — the person export of a region in the officer's jurisdiction, with a stated reason.

Reports are kept in ``VAR_DIR/imports/<token>/`` (the report and ``meta.json``: owner, time, names),
owner-only. Whenever the import pages are used, everything there older than 24 hours is deleted
(security.md E5: temporary files with personal data go after download or within 24 hours).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
import zipfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.db.models import Q
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from laobao.core import audit
from laobao.core.errors import DomainError, NotFound
from laobao.core.scoping import can, region_prefix
from laobao.core.views import add_problems, page, region_label, require, staff_view

from . import selectors
from .exports import export_persons
from .imports import ImportResult, import_employers, import_persons
from .models import ConflictStatus, LegacySource

DEFAULT_MAX_UPLOAD = 20 * 1024 * 1024  # settings.LAOBAO_IMPORT_MAX_BYTES overrides it
MULTIPART_SLACK = 64 * 1024  # the form fields and boundaries around the file in a multipart body
REPORT_TTL_SECONDS = 24 * 3600
SHOWN_ROWS = 50
TOKEN = re.compile(r"[0-9a-f]{32}")
META = "meta.json"
MIME = {"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def max_upload() -> int:
    return int(getattr(settings, "LAOBAO_IMPORT_MAX_BYTES", DEFAULT_MAX_UPLOAD))


# --- the report folder ------------------------------------------------------------------------

class ReportStore:
    """``VAR_DIR/imports``: one folder per report, named by a random token, kept at most 24 hours."""

    def __init__(self):
        self.root = Path(settings.VAR_DIR) / "imports"

    def new(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        folder = self.root / secrets.token_hex(16)
        folder.mkdir(mode=0o700)
        return folder

    def seal(self, folder: Path, report: Path, meta: dict) -> None:
        """Make ``report`` downloadable: owner-only permissions and the sidecar naming owner and file."""
        report.chmod(0o600)
        fd = os.open(folder / META, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({**meta, "stored": report.name, "created": int(time.time())}, fh, ensure_ascii=False)

    @staticmethod
    def discard(path: Path) -> None:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)

    def age(self, path: Path) -> float:
        """Seconds since the report was made (its sidecar is written once), or since the entry last changed."""
        try:
            stamp = (path / META).stat().st_mtime if (path / META).exists() else path.stat().st_mtime
        except OSError:
            return 0.0  # being removed by a concurrent request
        return time.time() - stamp

    def purge(self) -> None:
        """Delete every report (and any other upload leftover here) older than the time to live."""
        if not self.root.is_dir():
            return
        for entry in self.root.iterdir():
            if self.age(entry) > REPORT_TTL_SECONDS:
                self.discard(entry)

    def claim(self, token: str, user):
        """Open the owner's report and delete its folder: (open file, meta). NotFound for anything else.

        Someone else's token, an expired, unknown or already downloaded report all read the same.
        The rename makes one of two simultaneous downloads win; the open handle outlives the deletion.
        """
        if not TOKEN.fullmatch(token or ""):
            raise NotFound
        folder = self.root / token
        try:
            meta = json.loads((folder / META).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise NotFound from None
        if not isinstance(meta, dict) or meta.get("owner") != user.pk:
            raise NotFound
        if self.age(folder) > REPORT_TTL_SECONDS:
            self.discard(folder)
            raise NotFound
        taken = folder / f"sending-{secrets.token_hex(8)}"
        try:
            os.rename(folder / Path(str(meta.get("stored", ""))).name, taken)
            handle = taken.open("rb")
        except OSError:
            raise NotFound from None
        self.discard(folder)
        return handle, meta


# --- forms ------------------------------------------------------------------------------------

KINDS = [("persons", gettext_lazy("人员")), ("employers", gettext_lazy("单位")),
         ("legacy", gettext_lazy("原系统人员并轨"))]
FILE_ERRORS = {
    "required": gettext_lazy("请选择要导入的文件（CSV 或 XLSX）"),
    "missing": gettext_lazy("请选择要导入的文件（CSV 或 XLSX）"),
    "invalid": gettext_lazy("未收到文件：请在表单中选择文件后重新提交"),
    "empty": gettext_lazy("文件为空（0字节）：请选择含表头和数据行的 CSV 或 XLSX 文件"),
}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("导入内容"), choices=KINDS, initial="persons")
    source = forms.ChoiceField(label=gettext_lazy("原系统"), required=False,
                               choices=[("", "—")] + list(LegacySource.choices),
                               help_text=gettext_lazy("仅用于并轨：吴中或相城原社保系统导出的人员文件"))
    file = forms.FileField(label=gettext_lazy("文件"), error_messages=FILE_ERRORS,
                           widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("CSV（UTF-8 或 GB18030）或 XLSX，不超过 %(mb)s MB；第1行为表头") % {
            "mb": max_upload() // (1024 * 1024) or 1}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        macros = _("工作簿含有宏，出于安全不予接受：请在 Excel 中另存为不含宏的 .xlsx 或 CSV 后重新导入")
        if suffix == ".xlsm":
            raise forms.ValidationError(macros)
        if suffix not in (".csv", ".xlsx", ".xls"):  # .xls: the reader explains how to convert it
            raise forms.ValidationError(_("文件类型不支持：只接受 .csv 或 .xlsx 文件，请在 Excel 中另存为“CSV UTF-8”或 .xlsx"))
        if upload.size > max_upload():
            raise forms.ValidationError(_("文件超过 %(mb)s MB 的上限：请拆分为几个较小的文件分别导入") % {
                "mb": max_upload() // (1024 * 1024) or 1})
        if _has_macros(upload):
            raise forms.ValidationError(macros)
        return upload

    def clean(self):
        data = super().clean()
        if data.get("kind") == "legacy" and not data.get("source"):
            self.add_error("source", _("并轨须选择原系统：吴中或相城"))
        if data.get("kind") != "legacy":
            data["source"] = ""
        return data


def _has_macros(upload) -> bool:
    """Whether a workbook (whatever its name) carries a VBA project; a file that is no zip is left to the reader."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return any(name.lower().endswith("vbaproject.bin") for name in archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError, NotImplementedError):
        return False
    finally:
        upload.seek(0)


class ExportForm(forms.Form):
    region = forms.CharField(label=gettext_lazy("区划代码"), max_length=12,
                             help_text=gettext_lazy("本辖区的市、区、街道或社区代码；导出居住在该区划内的人员"),
                             widget=forms.TextInput(attrs={"list": "export-regions", "autocomplete": "off"}))
    format = forms.ChoiceField(label=gettext_lazy("文件格式"), initial="csv",
                               choices=[("csv", "CSV (UTF-8)"), ("xlsx", "XLSX (Excel)")])
    reason = forms.CharField(label=gettext_lazy("导出理由"), max_length=200,
                             help_text=gettext_lazy("至少4个字，如“向医保中心交换参保数据”；将记入审计日志"),
                             error_messages={"required": gettext_lazy("请填写导出理由（至少4个字）：导出个人信息须说明用途")})
    full_ids = forms.BooleanField(label=gettext_lazy("导出完整身份证号和手机号码"), required=False,
                                  help_text=gettext_lazy("默认脱敏；完整号码仅在确有需要时导出"))

    def __init__(self, *args, reveal: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not reveal:
            del self.fields["full_ids"]


# --- imports ----------------------------------------------------------------------------------

@csrf_exempt  # checked in _import_submit, after the size check: the CSRF check would read the whole upload first
@staff_view
@require_http_methods(["GET", "POST"])
def import_page(request):
    require(can(request.user, "registry.import"))
    ReportStore().purge()
    if request.method != "POST":
        return _import_page(request, ImportForm())
    if _declared_size(request) > max_upload() + MULTIPART_SLACK:
        # refused before a byte of the body is read (nothing of it reaches the disk)
        return _import_page(request, ImportForm(), too_large=True, status=413)
    return _import_submit(request)


@csrf_protect
def _import_submit(request):
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, form, status=400)
    try:
        result, token = _run_import(request.user, form.cleaned_data)
    except DomainError as exc:  # the file as a whole is unusable: no report, one clear message
        add_problems(form, exc)
        return _import_page(request, form, status=400)
    again = ImportForm(initial={"kind": form.cleaned_data["kind"], "source": form.cleaned_data["source"]})
    return _import_page(request, again, result=result, token=token, status=400 if result.errors else 200)


def _declared_size(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _run_import(user, data: dict) -> tuple[ImportResult, str | None]:
    """Run the import service with the report paths in a fresh folder; keep the folder only if a report was made."""
    store = ReportStore()
    folder = store.new()
    upload = data["file"]
    errors = folder / ("errors.xlsx" if upload.name.lower().endswith(".xlsx") else "errors.csv")
    try:
        if data["kind"] == "employers":
            result = import_employers(upload, user=user, report_path=errors)
        else:
            result = import_persons(upload, user=user, source=data["source"] or None, report_path=errors,
                                    conflict_report_path=folder / "conflicts.csv")
        report = result.report_path or result.conflict_report_path
        if report is None:
            store.discard(folder)
            return result, None
        kind = "errors" if result.report_path else "conflicts"
        store.seal(folder, Path(report), {
            "owner": user.pk, "kind": kind, "download": f"{Path(result.filename).stem}.{kind}{Path(report).suffix}",
            "upload": result.filename, "sha256": result.sha256, "rows": result.rows,
            "region_path": region_prefix(user) or ""})
        return result, folder.name
    except BaseException:
        store.discard(folder)
        raise


def _import_page(request, form, *, result: ImportResult | None = None, token: str | None = None,
                 too_large: bool = False, status: int = 200):
    context = {"form": form, "result": result, "token": token, "too_large": too_large,
               "max_mb": max_upload() // (1024 * 1024) or 1, "shown": SHOWN_ROWS}
    if result is not None:
        context.update(_result_rows(result))
    return page(request, "registry/import.html", context, status=status)


def _result_rows(result: ImportResult) -> dict:
    """The first rows in error (one line per problem) and the first conflicts, in the active language."""
    lang = get_language() or settings.LANGUAGE_CODE
    problems = [{"row": err.row, "column": _column(result.labels, p.field, lang), "message": p.text(lang)}
                for err in result.errors[:SHOWN_ROWS] for p in err.problems]
    statuses = dict(ConflictStatus.choices) | {"new": _("本次新发现")}
    conflicts = [{"c": c, "status": statuses.get(c.status, c.status)} for c in result.conflict_rows[:SHOWN_ROWS]]
    return {"problems": problems, "conflicts": conflicts, "more_errors": len(result.errors) > SHOWN_ROWS,
            "more_conflicts": len(result.conflict_rows) > SHOWN_ROWS}


def _column(labels: dict, field: str, lang: str) -> str:
    """A column as the file names it: "身份证号（citizen_id）" in Chinese, the key ("citizen_id") in English."""
    label = labels.get(field, field)
    if lang.startswith("en"):
        match = re.search(r"（([^（）]+)）$", label)
        return match.group(1) if match else field
    return label


@staff_view
@require_GET
def import_report(request):
    """Download a report once: only its uploader, only within 24 hours; the download is audited."""
    require(can(request.user, "registry.import"))
    store = ReportStore()
    store.purge()
    handle, meta = store.claim(request.GET.get("t", ""), request.user)
    try:
        audit.record("registry.import_report_download", object_type="file", object_id=str(meta.get("sha256", "")),
                     region_path=str(meta.get("region_path", "")),
                     after={"file": meta.get("upload"), "report": meta.get("kind"), "rows": meta.get("rows")})
    except BaseException:
        handle.close()
        raise
    return FileResponse(handle, as_attachment=True, filename=str(meta.get("download") or "report.csv"))


# --- exports ----------------------------------------------------------------------------------

@staff_view
@require_http_methods(["GET", "POST"])
def export_page(request):
    """Export the persons of a region as CSV/XLSX (masked unless full numbers are asked for and allowed)."""
    user = request.user
    require(can(user, "registry.export"))
    form = ExportForm(request.POST or None, reveal=can(user, "person.reveal_id"),
                      initial={"region": user.region.code, "format": "csv"})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            data = export_persons(user, d["region"], d["format"], d.get("full_ids", False), d["reason"])
        except DomainError as exc:
            add_problems(form, exc)
        else:
            response = HttpResponse(data, content_type=MIME[d["format"]])
            response["Content-Disposition"] = content_disposition_header(
                True, f"persons-{d['region']}-{timezone.localdate():%Y%m%d}.{d['format']}")
            return response
    return page(request, "registry/export.html", {"form": form, "regions": _region_options(user)},
                status=400 if form.errors else 200)


def _region_options(user) -> list[dict]:
    """Suggestions for the region field: the user's own node and the current nodes just below it."""
    nodes = (selectors.regions_visible(user).filter(Q(pk=user.region_id) | Q(parent_id=user.region_id))
             .filter(valid_to__isnull=True).order_by("path"))
    return [{"code": r.code, "label": region_label(r)} for r in nodes]
