"""Translations: Chinese is the source language; the English catalogue is complete, compiled and used."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation

from laobao.core import models as core_models
from laobao.registry import models as registry_models

SRC = Path(__file__).resolve().parent.parent / "src" / "laobao"
PO = SRC / "locale" / "en" / "LC_MESSAGES" / "django.po"
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
NAV_LABELS = ["首页", "人员查询", "单位查询", "人员登记", "单位登记", "行政区划", "并轨冲突", "审计日志", "退出登录",
              "苏州市劳动和社会保障信息系统", "劳保", "跳到正文", "常用功能", "当前用户"]


def _translations(catalogue) -> dict:
    out = {}
    for e in catalogue:
        if not e.msgid:
            continue
        forms = tuple(v for _k, v in sorted(e.msgstr_plural.items())) if e.msgid_plural else (e.msgstr,)
        out[(e.msgctxt, e.msgid, e.msgid_plural or None)] = forms
    return out


def test_every_msgid_has_an_english_translation_and_none_is_fuzzy():
    po = polib.pofile(str(PO))
    assert len(po) > 100
    missing = [e.msgid for e in po if not e.obsolete and (e.msgid_plural and not all(e.msgstr_plural.values())
                                                          or not e.msgid_plural and not e.msgstr)]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert missing == [] and fuzzy == []
    untranslated_looking = [e.msgid for e in po if CJK.search(e.msgstr or "".join(e.msgstr_plural.values()))]
    assert untranslated_looking == []


def test_compiled_catalogue_is_up_to_date_with_the_po():
    po = polib.pofile(str(PO))
    mo = polib.mofile(str(PO.with_suffix(".mo")))
    assert _translations(mo) == {k: v for k, v in _translations(po).items() if all(v)}


def test_every_template_string_is_in_the_catalogue():
    msgids = {e.msgid for e in polib.pofile(str(PO))}
    pattern = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1""")
    missing = []
    for path in (SRC / "templates").rglob("*.html"):
        for _quote, text in pattern.findall(path.read_text(encoding="utf-8")):
            if text not in msgids:
                missing.append(f"{path.name}: {text}")
    assert missing == []


def _choice_classes():
    for module in (core_models, registry_models):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, models.Choices) and value.__module__ == module.__name__:
                yield value


def test_every_model_choice_label_has_an_english_label():
    classes = list(_choice_classes())
    assert len(classes) >= 8
    with translation.override("en"):
        for choices in classes:
            for member in choices:
                label = str(member.label)
                assert label and not CJK.search(label), (choices.__name__, member.value, label)
    with translation.override("zh-hans"):
        assert str(registry_models.HukouType.URBAN.label) == "本市城镇户籍"


@pytest.fixture
def officer(city, make_user):
    return make_user("city_officer", city["city"])


def test_default_language_is_chinese(client, officer):
    client.force_login(officer)
    html = client.get(reverse("home")).content.decode()
    assert 'lang="zh-Hans"' in html and "人员查询" in html and "苏州市劳动和社会保障信息系统" in html


@pytest.mark.parametrize("name", ["home", "person_search", "employer_search", "person_new", "conflict_list"])
def test_english_pages_show_no_chinese_interface_text(client, officer, name):
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse(name)).content.decode()
    assert 'lang="en"' in html and "Person search" in html and "Log out" in html
    for label in NAV_LABELS:
        assert label not in html, label
    # Only the language button keeps its own name ("中文"); every other Chinese character is a defect here.
    visible = re.sub(r"<[^>]+>", " ", html).replace("中文", "")
    assert CJK.findall(visible) == []


def test_english_login_page(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("login")).content.decode()
    assert "Log in" in html and "Username" in html and "登录" not in html
