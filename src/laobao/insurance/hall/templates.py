"""The employer hall's Excel templates: 增减员 (hires and leavers) and 基数申报 (base declaration).

Each workbook has three sheets: the data sheet first (the import reads the first sheet), ``填表说明``
(every column explained), and ``版本`` (template name and version). Identifier columns (citizen ID,
credit code) are formatted as text (``@``) so Excel keeps leading zeros, the final X and all 18 digits.
An import refuses a workbook of another template, of an old version, or without the version sheet;
CSV files carry no version and are read by their header. Columns: docs/IMPORT_FORMATS.md.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from laobao.core.errors import DomainError
from laobao.registry.importing.reading import Column

VERSION_SHEET = "版本"
GUIDE_SHEET = "填表说明"
TEXT_ROWS = 2000  # rows pre-formatted as text in identifier columns


@dataclass(frozen=True)
class Template:
    key: str  # "changes" or "declarations"
    name: str  # the id written in the version sheet
    version: str
    old_versions: tuple[str, ...]
    title: str  # the data sheet's name
    columns: tuple[Column, ...]
    guide: tuple[str, ...]  # one explanation per column
    sample: tuple[str, ...] = ()

    @property
    def labels(self) -> dict[str, str]:
        return {c.key: c.label for c in self.columns}

    def header(self) -> list[str]:
        return [f"{c.zh} / {c.key}" for c in self.columns]


CHANGES = Template(
    key="changes", name="laobao-hall-changes", version="2026.1", old_versions=(), title="增减员",
    columns=(
        Column("action", "变动类型", ("类型", "增减类型"), required=True),
        Column("citizen_id", "身份证号", ("公民身份号码", "身份证号码", "证件号码", "AAC002"), required=True,
               identifier=True),
        Column("name", "姓名", ("AAC003",), required=True),
        Column("date", "变动日期", ("入职日期", "离职日期", "日期"), required=True),
        Column("contract_kind", "合同类型", ("劳动合同类型",)),
        Column("contract_end", "合同终止日期", ("合同到期日期",)),
        Column("position", "岗位", ("工作岗位",)),
        Column("wage", "起薪（元/月）", ("月工资", "起始工资", "工资")),
        Column("insurances", "参保险种", ("险种",)),
        Column("reason", "减员原因", ("原因",)),
        Column("credit_code", "统一社会信用代码", ("社会信用代码", "信用代码"), identifier=True),
    ),
    guide=(
        "必填。增员（入职）或减员（离职）；也可写 hire / leave。",
        "必填，文本格式。18位公民身份号码（末位可为X）；人员须已在人员库登记，未登记的请先到经办窗口登记。",
        "必填。与身份证号对应的姓名，用于核对号码是否填错。",
        "必填。增员填入职日期，减员填离职日期；格式 YYYY-MM-DD。参保自入职当月起，停保于离职当月之后。",
        "增员必填：固定期限 / 无固定期限 / 以完成一定工作任务为期限（或 fixed / open / task）。减员不填。",
        "固定期限合同必填，格式 YYYY-MM-DD；其他合同类型不填。",
        "选填。工作岗位名称，最多60字。",
        "增员必填。起始月工资（元，最多两位小数），作为新参保人员当年度的缴费基数。",
        "选填。参加的险种，用顿号或逗号分隔：养老、医疗、失业、工伤、生育；不填即全部五险。",
        "减员选填：离职 / 退休 / 死亡 / 转出 / 暂停（或 leave / retirement / death / transfer_out / "
        "suspension）；不填为离职。",
        "选填，文本格式。本单位18位统一社会信用代码；填写时须与本单位一致。",
    ),
)

DECLARATIONS = Template(
    key="declarations", name="laobao-base-declaration", version="2026.1", old_versions=(), title="基数申报",
    columns=(
        Column("citizen_id", "身份证号", ("公民身份号码", "身份证号码", "证件号码", "AAC002"), required=True,
               identifier=True),
        Column("name", "姓名", ("AAC003",), required=True),
        Column("year", "申报年度", ("年度", "缴费年度"), required=True),
        Column("wage", "上年度月平均工资（元）", ("月平均工资", "申报工资", "工资"), required=True),
        Column("credit_code", "统一社会信用代码", ("社会信用代码", "信用代码"), identifier=True),
    ),
    guide=(
        "必填，文本格式。18位公民身份号码（末位可为X）。",
        "必填。与身份证号对应的姓名，用于核对号码是否填错。",
        "必填。缴费年度（四位年份）：如 2024 年度自 2024 年 7 月至 2025 年 6 月，申报 2023 年的月平均工资。",
        "必填。该职工上一自然年度的月平均工资（元，最多两位小数）；低于下限的按下限、高于上限的按上限核定。",
        "选填，文本格式。本单位18位统一社会信用代码；填写时须与本单位一致。",
    ),
)

TEMPLATES = {t.key: t for t in (CHANGES, DECLARATIONS)}


def build(template: Template, *, credit_code: str = "") -> bytes:
    """The empty template as .xlsx bytes (data sheet, 填表说明, 版本)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    data = wb.active
    data.title = template.title
    data.append(template.header())
    for i, col in enumerate(template.columns, start=1):
        letter = data.cell(row=1, column=i).column_letter
        data.cell(row=1, column=i).font = Font(bold=True)
        data.column_dimensions[letter].width = 24 if col.identifier else 16
        if col.identifier:
            data.column_dimensions[letter].number_format = "@"
            for r in range(2, TEXT_ROWS + 2):
                data.cell(row=r, column=i).number_format = "@"
    if credit_code:
        index = [c.key for c in template.columns].index("credit_code") + 1
        data.cell(row=2, column=index).value = credit_code
    guide = wb.create_sheet(GUIDE_SHEET)
    guide.append(["列名 / column", "说明"])
    for col, text in zip(template.columns, template.guide):
        guide.append([f"{col.zh} / {col.key}", text])
    guide.append([])
    guide.append(["", "第1行为表头，请勿修改；数据从第2行起。整份文件任一行有错则全部不导入，并给出逐行错误说明。"])
    guide.append(["", "同一文件重复导入不会重复登记：已办理的行计为“未变”。"])
    guide.column_dimensions["A"].width = 30
    guide.column_dimensions["B"].width = 100
    version = wb.create_sheet(VERSION_SHEET)
    version.append(["模板 / template", template.name])
    version.append(["版本 / version", template.version])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _refuse(code: str, zh: str, en: str) -> DomainError:
    return DomainError.of("file", code, zh, en)


def check_version(data: bytes, template: Template) -> None:
    """Refuse a workbook that is not this template in its current version (CSV passes: no version)."""
    if data[:4] != b"PK\x03\x04":
        return
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - a broken workbook is reported by the reader with its own message
        return
    try:
        if VERSION_SHEET not in wb.sheetnames:
            raise _refuse("template.no_version",
                          f"工作簿没有“{VERSION_SHEET}”工作表，不是本系统的{template.title}模板：请下载最新模板（版本 "
                          f"{template.version}）填写后导入，或另存为 CSV",
                          f"The workbook has no '{VERSION_SHEET}' sheet and is not laobao's {template.key} template: "
                          f"download the current template (version {template.version}) or save the data as CSV")
        cells = {str(r[0] or "").split("/")[0].strip(): str(r[1] or "").strip()
                 for r in wb[VERSION_SHEET].iter_rows(min_row=1, max_row=5, max_col=2, values_only=True) if r}
    finally:
        wb.close()
    name, version = cells.get("模板", ""), cells.get("版本", "")
    if name != template.name:
        other = next((t for t in TEMPLATES.values() if t.name == name), None)
        what = f"“{other.title}”模板" if other else f"未知模板“{name}”"
        raise _refuse("template.wrong", f"这是{what}，不是“{template.title}”模板：请在相应的位置导入，或下载正确的模板",
                      f"This is {'the ' + other.key if other else 'an unknown'} template, not the {template.key} "
                      "template: import it where it belongs or download the right template")
    if version != template.version:
        old = version in template.old_versions
        raise _refuse("template.version",
                      f"模板版本 {version or '（空）'} {'已停用' if old else '无法识别'}：当前版本为 {template.version}，"
                      "请下载最新模板，把数据复制进去后重新导入",
                      f"Template version {version or '(empty)'} is {'retired' if old else 'not recognised'}: the current "
                      f"version is {template.version}; download the new template, copy the data in and import again")
