"""The fixed cast: the same people and employers in every demo city, whatever the seed.

Demos, screenshots, manuals and tests can name them. They all live in the first community of
平江街道 (姑苏区), where the demo caseworker works. Their ID numbers and credit codes are fixed;
the generator keeps the random population clear of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

CAST_STREET = "320508018000"  # 平江街道, 姑苏区


@dataclass(frozen=True)
class CastPerson:
    key: str
    name: str
    prefix: str  # citizen-ID address code
    birth: date
    sex: str
    seq_half: int  # the ID's sequence number is 2·seq_half (+1 for a man)
    hukou_type: str
    hukou_region_code: str
    mobile: str
    story: str
    # (employer key, start, end or None)
    jobs: tuple[tuple[str, date, date | None], ...] = ()


@dataclass(frozen=True)
class CastEmployer:
    key: str
    name: str
    type: str
    industry: str
    size: str
    credit_prefix: str  # registration authority, kind and region: 8 characters
    org_body: str  # 8 characters starting with 8 (random employers never do)


EMPLOYERS = (
    CastEmployer("hepan", "苏州河畔纺织有限公司", "private", "C", "medium", "91320508", "80000012"),
    CastEmployer("clinic", "苏州市姑苏区平江街道社区卫生服务中心", "public_institution", "Q", "small", "12320508",
                 "80000021"),
    CastEmployer("noodles", "姑苏区老陆面馆", "individual_business", "H", "micro", "92320508", "80000039"),
)

PERSONS = (
    CastPerson("zhangwei", "张伟", "320503", date(1980, 3, 15), "M", 5, "urban", "320508", "13912340001",
               "urban employee at 苏州河畔纺织有限公司", (("hepan", date(2008, 7, 1), None),)),
    CastPerson("lina", "李娜", "320502", date(1985, 11, 2), "F", 12, "urban", "320508", "13912340002",
               "flexibly employed, formerly at the clinic", (("clinic", date(2009, 9, 1), date(2019, 6, 30)),)),
    CastPerson("wangfang", "王芳", "320504", date(1980, 6, 20), "F", 31, "urban", "320508", "13912340003",
               "unemployed since 2026 (a 4050 person)", (("hepan", date(1999, 8, 1), date(2026, 1, 31)),)),
    CastPerson("liuyang", "刘洋", "341221", date(1992, 8, 8), "M", 44, "elsewhere", "341221", "13912340004",
               "migrant worker from Anhui at 苏州河畔纺织有限公司", (("hepan", date(2015, 3, 2), None),)),
    CastPerson("chenjing", "陈静", "320503", date(1966, 1, 10), "F", 27, "urban", "320508", "13912340005",
               "retired", (("clinic", date(1986, 7, 1), date(2016, 1, 31)),)),
    CastPerson("zhaolei", "赵磊", "320506", date(2001, 5, 5), "M", 63, "rural", "320506", "13912340006",
               "young rural worker at the noodle shop", (("noodles", date(2021, 4, 1), None),)),
    CastPerson("zhangxiaoyu", "张小雨", "320508", date(2014, 9, 1), "F", 8, "urban", "320508", "",
               "schoolgirl, born after the 2012 merger (new 320508 prefix)"),
)
