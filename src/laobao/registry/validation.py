"""Field rules of the registry, each failing with a bilingual message that names the fix."""

from __future__ import annotations

import re

from django.utils import translation

from laobao.core.errors import DomainError
from laobao.core.identifiers import PROVINCE_CODES
from laobao.core.models import Region, RegionLevel

from .models import EmployerSize, EmployerStatus, EmployerType, HukouType, Industry

# CJK unified ideographs incl. extensions A–H and compatibility ideographs (生僻字 must register too).
_NAME = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134fA-Za-z·•\.\- ]{1,50}$")


def clean_name(value: str, *, field: str = "name") -> str:
    name = " ".join((value or "").split())
    if not _NAME.match(name) or not name.strip("·•.- "):
        raise DomainError.of(
            field, "name.format",
            "姓名格式不正确：应为1至50个汉字或字母（少数民族姓名可用间隔号“·”），请按证件填写",
            "Name is not valid: 1 to 50 Chinese characters or letters (the dot '·' is allowed in minority names); "
            "enter it as on the ID card",
        )
    return name


def _labels(choices, language: str) -> dict[str, str]:
    with translation.override(language):
        return {key: str(label) for key, label in choices.choices}


def clean_choice(value: str, choices, *, field: str, label_zh: str, label_en: str) -> str:
    """A choice given by its code, its Chinese label or its English label (whatever the active language)."""
    value = (value or "").strip()
    zh, en = _labels(choices, "zh-hans"), _labels(choices, "en")
    if value in choices.values:
        return value
    for labels in (zh, en):
        for key, label in labels.items():
            if value == label or value.lower() == label.lower():
                return key
    raise DomainError.of(
        field, f"{field}.choice",
        f"{label_zh}“{value}”不在可选范围内：请填写 {'、'.join(f'{k}（{lbl}）' for k, lbl in zh.items())} 之一",
        f"{label_en} '{value}' is not allowed: use one of {', '.join(f'{k} ({lbl})' for k, lbl in en.items())}",
    )


def clean_hukou_type(value: str) -> str:
    return clean_choice(value, HukouType, field="hukou_type", label_zh="户口性质", label_en="Hukou type")


def clean_employer_type(value: str) -> str:
    return clean_choice(value, EmployerType, field="type", label_zh="单位类型", label_en="Employer type")


def clean_industry(value: str) -> str:
    return clean_choice((value or "").upper(), Industry, field="industry", label_zh="行业门类（GB/T 4754）",
                        label_en="Industry section (GB/T 4754)")


def clean_size(value: str) -> str:
    return clean_choice(value, EmployerSize, field="size", label_zh="单位规模", label_en="Employer size")


def clean_status(value: str) -> str:
    return clean_choice(value or "active", EmployerStatus, field="status", label_zh="单位状态", label_en="Status")


def clean_region_code6(value: str, *, field: str = "hukou_region_code") -> str:
    code = (value or "").strip()
    if not (len(code) == 6 and code.isascii() and code.isdigit() and code[:2] in PROVINCE_CODES):
        raise DomainError.of(
            field, "region_code.format",
            f"户籍地行政区划代码“{code}”不正确：应为6位 GB/T 2260 代码（如苏州市姑苏区 320508）",
            f"Hukou region code '{code}' is not valid: use a 6-digit GB/T 2260 code (e.g. 320508 for Gusu, Suzhou)",
        )
    return code


def clean_region(code: str, *, field: str, levels=(RegionLevel.STREET, RegionLevel.COMMUNITY)) -> Region:
    """A current region node at one of ``levels`` (a person lives in a community; an employer in a street or community)."""
    code = (code or "").strip()
    region = Region.objects.filter(code=code).first()
    if region is None or not region.is_current() or region.level not in levels:
        raise DomainError.of(
            field, "region.unknown",
            f"区划代码“{code}”不是现行的街道（镇）或社区（村）代码：请在区划树中查找12位统计用区划代码",
            f"Region code '{code}' is not a current street/town or community/village: "
            "look up the 12-digit statistical code in the region tree",
        )
    return region
