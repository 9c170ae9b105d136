"""The shape of the synthetic city: who lives where, how old, from where, working where.

Figures are rounded approximations of public statistics (Suzhou's 2020 census by district, the
national age pyramid tilted to Suzhou's working-age migrants). They only need to look right in a
demo and a benchmark; nothing is computed from them.
"""

from __future__ import annotations

from datetime import date

#: The generator's "today": ages, birth dates and employment dates are reckoned from it, so a
#: seed gives the same city whatever day it runs.
AS_OF = date(2026, 6, 30)
#: 沧浪 平江 金阊 → 姑苏, 吴江市 → 吴江区 (国函〔2012〕102号); IDs issued before keep the old prefix.
MERGER_DATE = date(2012, 10, 26)

#: Resident population by current district, ten thousands (2020 census, rounded).
DISTRICT_POPULATION = {
    "320505": 83, "320506": 139, "320507": 89, "320508": 92, "320509": 155,
    "320571": 113, "320581": 168, "320582": 143, "320583": 209, "320585": 83,
}
#: Employers by current district: the industrial park and Kunshan weigh more than their population.
DISTRICT_EMPLOYERS = {
    "320505": 110, "320506": 130, "320507": 80, "320508": 70, "320509": 140,
    "320571": 160, "320581": 130, "320582": 120, "320583": 230, "320585": 80,
}
#: Citizen-ID address codes of locals by current district (before the merger date, after it).
LOCAL_ID_PREFIXES = {
    "320508": (("320502", "320503", "320504"), ("320508",)),
    "320509": (("320584",), ("320509",)),
    "320571": (("320506",), ("320506",)),  # the park is a statistical area, not a GB/T 2260 county
}
#: Name prefix for firms registered in a county-level city.
CITY_PREFIX = {"320581": "常熟", "320582": "张家港", "320583": "昆山", "320585": "太仓", "320509": "吴江"}
#: Region code written in positions 3-8 of a credit code (the park's registration authority uses 320594).
CREDIT_REGION = {"320571": "320594"}

#: Where migrants come from: real county-level GB/T 2260 codes, weighted.
MIGRANT_ORIGINS = (
    # Anhui
    ("341221", 5), ("341222", 5), ("341225", 4), ("341226", 4), ("341623", 3), ("340322", 2), ("341322", 3),
    ("341321", 2),
    # Henan
    ("411527", 3), ("411528", 3), ("411522", 3), ("411621", 2), ("411623", 3), ("411627", 3), ("411325", 2),
    # north Jiangsu
    ("320321", 2), ("320322", 2), ("320324", 3), ("321322", 4), ("321323", 3), ("320826", 3), ("320723", 2),
    # Sichuan, Chongqing
    ("511321", 2), ("511322", 2), ("511325", 1), ("500229", 1), ("500233", 1),
    # Hubei, Hunan, Jiangxi, Guizhou, Shandong, Gansu
    ("421182", 1), ("420922", 1), ("430524", 1), ("362329", 1), ("522422", 1), ("371321", 1), ("620421", 1),
)

#: Mobile number prefixes (China Mobile, Unicom, Telecom); every one matches 1[3-9]x.
MOBILE_PREFIXES = (
    134, 135, 136, 137, 138, 139, 147, 150, 151, 152, 157, 158, 159, 178, 182, 183, 187, 188, 198,
    130, 131, 132, 155, 156, 166, 175, 176, 185, 186, 133, 153, 173, 177, 180, 181, 189, 199,
)

#: Share of the population by five-year age band 0-4 … 90-95.
AGE_BANDS = (4.5, 5.0, 4.6, 4.0, 6.2, 9.0, 10.4, 9.0, 7.6, 7.6, 7.4, 6.4, 5.0, 4.4, 3.3, 2.0, 1.3, 0.7, 0.3)

#: Probability of a hukou from elsewhere by age group: children, working age, retirement age.
MIGRANT_SHARE = {"child": 0.25, "work": 0.42, "old": 0.04}
#: Share of local hukou that is rural (农村户籍) in the county-level cities, and elsewhere.
RURAL_SHARE = {"county": 0.45, "urban": 0.15}
COUNTY_CITIES = {"320581", "320582", "320583", "320585"}

#: Employer type: (code, weight, credit-code registration authority + kind, sections with weights).
EMPLOYER_TYPES = (
    ("private", 58, "91"),
    ("individual_business", 14, "92"),
    ("foreign", 7, "91"),
    ("hmt", 4, "91"),
    ("joint_stock", 5, "91"),
    ("state_owned", 2, "91"),
    ("collective", 2, "91"),
    ("public_institution", 4, "12"),
    ("government", 1.5, "11"),
    ("other", 2.5, "52"),
)
#: GB/T 4754 sections of enterprises, weighted to manufacturing.
ENTERPRISE_SECTIONS = (
    ("C", 42), ("F", 15), ("E", 6), ("L", 6), ("G", 5), ("H", 4), ("I", 5), ("M", 4), ("K", 3),
    ("O", 3), ("J", 1.5), ("N", 1.5), ("A", 1.5), ("R", 1), ("D", 0.5), ("B", 0.3), ("P", 0.7), ("Q", 1),
)
SHOP_SECTIONS = (("F", 45), ("H", 35), ("O", 20))
INSTITUTION_SECTIONS = (("P", 40), ("Q", 30), ("M", 10), ("R", 10), ("N", 10))
#: Size weights and average head count (for choosing where a worker works).
SIZES = (("micro", 58, 3), ("small", 30, 18), ("medium", 9, 120), ("large", 3, 900))
