"""Where a migrant comes from: the province of a GB/T 2260 code (its first two digits) and 苏北 (north Jiangsu).

苏北 is the five prefecture-level cities north of the Yangtze usually meant by the term in the provincial
南北劳务挂钩 policy: 徐州 3203, 连云港 3207, 淮安 3208, 盐城 3209, 宿迁 3213. 港澳台 (71, 81, 82) are not
provinces of this register.
"""

from __future__ import annotations

CITY_CODE = "320500"
CITY_PREFIX = "3205"
NORTH_JIANGSU = ("3203", "3207", "3208", "3209", "3213")

PROVINCES = {
    "11": ("北京", "Beijing"), "12": ("天津", "Tianjin"), "13": ("河北", "Hebei"), "14": ("山西", "Shanxi"),
    "15": ("内蒙古", "Inner Mongolia"), "21": ("辽宁", "Liaoning"), "22": ("吉林", "Jilin"),
    "23": ("黑龙江", "Heilongjiang"), "31": ("上海", "Shanghai"), "32": ("江苏", "Jiangsu"), "33": ("浙江", "Zhejiang"),
    "34": ("安徽", "Anhui"), "35": ("福建", "Fujian"), "36": ("江西", "Jiangxi"), "37": ("山东", "Shandong"),
    "41": ("河南", "Henan"), "42": ("湖北", "Hubei"), "43": ("湖南", "Hunan"), "44": ("广东", "Guangdong"),
    "45": ("广西", "Guangxi"), "46": ("海南", "Hainan"), "50": ("重庆", "Chongqing"), "51": ("四川", "Sichuan"),
    "52": ("贵州", "Guizhou"), "53": ("云南", "Yunnan"), "54": ("西藏", "Tibet"), "61": ("陕西", "Shaanxi"),
    "62": ("甘肃", "Gansu"), "63": ("青海", "Qinghai"), "64": ("宁夏", "Ningxia"), "65": ("新疆", "Xinjiang"),
}


def province_of(code: str) -> tuple[str, str] | None:
    return PROVINCES.get((code or "")[:2])


def is_north_jiangsu(code: str) -> bool:
    return (code or "")[:4] in NORTH_JIANGSU


def district_code(region) -> str:
    """The six-digit district code of a region of the city (its own code's first six digits)."""
    return region.code[:6]
