"""The plan's targets (section 四) and 2005 baselines (section 一), as data.

These are indicators the plan names but that no capability computes yet (unemployment, insurance,
benefits, training, labor relations…). They are NOT registered as indicators: an indicator is listed
only once it can be computed from the records. When an app builds the capability it registers the
indicator from this table, attaching its compute function::

    from laobao.kpi.registry import register
    from laobao.kpi.targets import plan_target

    register(plan_target("employment.registered_unemployment_rate").indicator(
        compute=registered_unemployment_rate, definition_zh="…", definition_en="…"))

Sources cite 《苏州市劳动和社会保障事业发展“十一五”规划》 by section. Baselines are the plan's own
figures for 2005 (or, where the plan only reports the 2001–2005 period, that figure, said so in the
note); a baseline of a close but different measure says so too. Where the plan gives no 2005 figure,
there is no baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .registry import Baseline, Compute, Indicator, Target, TargetValue, is_registered

PLAN = "《苏州市劳动和社会保障事业发展“十一五”规划》"
END_YEAR = 2010
ANNUAL_ZH, ANNUAL_EN = "2006–2010年每年", "every year 2006–2010"
PERIOD_ZH, PERIOD_EN = "“十五”期间（2001–2005）的当年结案率", "the plan reports it for 2001–2005 (closed within the year)"


@dataclass(frozen=True)
class PlanTarget:
    """One row of the plan's targets: what a future indicator must be measured against."""

    code: str
    name_zh: str
    name_en: str
    unit: str
    unit_en: str
    section: str
    target: Target
    baseline_2005: Baseline | None = None

    def indicator(self, *, compute: Compute, definition_zh: str, definition_en: str,
                  additive: bool = True) -> Indicator:
        """The computable indicator for this target (register it with ``laobao.kpi.registry.register``)."""
        return Indicator(code=self.code, name_zh=self.name_zh, name_en=self.name_en, unit=self.unit,
                         unit_en=self.unit_en, definition_zh=definition_zh, definition_en=definition_en,
                         compute=compute, target=self.target, baseline_2005=self.baseline_2005, additive=additive)

    def as_dict(self) -> dict:
        return {"code": self.code, "name_zh": self.name_zh, "name_en": self.name_en, "unit": self.unit,
                "unit_en": self.unit_en, "section": self.section, "target": self.target.as_dict(),
                "baseline_2005": self.baseline_2005.as_dict() if self.baseline_2005 else None,
                "computed": is_registered(self.code)}


def _t(direction: str, value: TargetValue, section: str, note: tuple[str, str] = ("", "")) -> Target:
    return Target(value=value, direction=direction, year=END_YEAR, source=f"{PLAN} {section}",
                  note_zh=note[0], note_en=note[1])


def _b(value: TargetValue, section: str, note: tuple[str, str] = ("", "")) -> Baseline:
    return Baseline(value=value, source=f"{PLAN} {section}", note_zh=note[0], note_en=note[1])


def _pct(code: str, zh: str, en: str, section: str, direction: str, value: str,
         baseline: Baseline | None = None, note: tuple[str, str] = ("", "")) -> PlanTarget:
    return PlanTarget(code, zh, en, "%", "%", section, _t(direction, Decimal(value), section, note), baseline)


def _count(code: str, zh: str, en: str, unit: tuple[str, str], section: str, value: int,
           note: tuple[str, str] = ("", "")) -> PlanTarget:
    return PlanTarget(code, zh, en, unit[0], unit[1], section, _t("≥", value, section, note))


ANNUAL = (ANNUAL_ZH, ANNUAL_EN)
PERSONS = ("人", "persons")

# Skill levels at the end of 2005 (一(三)): basic 201,000; intermediate 231,300; high = 高级工 29,200
# + 技师 5,400 + 高级技师 135 = 34,735; total 467,035 (the plan: 46.71万). Shares rounded half up.
SKILL_BASELINE_COUNTS = {"high": 29_200 + 5_400 + 135, "intermediate": 231_300, "basic": 201_000}

PLAN_TARGETS: tuple[PlanTarget, ...] = (
    # 四(一) 城乡就业 — employment
    _pct("employment.registered_unemployment_rate", "城镇登记失业率", "Registered urban unemployment rate",
         "四(一)", "≤", "4.5", _b(Decimal("3.42"), "一(一)", ("“十五”期末城镇登记失业人数5.8万人",
                                                          "58,000 registered unemployed at the end of 2005"))),
    _count("employment.unemployed_reemployed", "失业人员实现就业人数", "Unemployed persons who found work",
           PERSONS, "四(一)", 100_000, ANNUAL),
    _count("employment.hard_to_employ_placed", "困难群体实现就业人数", "Hard-to-employ persons placed in work",
           PERSONS, "四(一)", 10_000, ANNUAL),
    _pct("employment.full_employment_community_share", "“充分就业社区”占社区比例",
         "Share of communities that are full-employment communities", "四(一)", "≥", "90"),
    _pct("employment.new_labor_force_employment_rate", "新生劳动力就业率", "Employment rate of new labor-force entrants",
         "四(一)", "≥", "90", note=ANNUAL),
    # 四(二)1 养老保险 — pensions
    _pct("insurance.pension_coverage", "养老保险覆盖面", "Pension insurance coverage", "四(二)1", "≥", "98"),
    _pct("insurance.pension_collection_rate", "基本养老保险征缴率", "Basic pension contribution collection rate",
         "四(二)1", "≥", "96", _b(Decimal("98.7"), "一(二)三", ("2005年为企业养老保险基金收缴率",
                                                            "the 2005 figure is the enterprise pension fund collection rate"))),
    _pct("benefits.pension_bank_payment_rate", "基本养老金社会化发放率", "Share of pensions paid through banks (社会化发放)",
         "四(二)1", "≥", "100", _b(Decimal("100"), "一(二)三")),
    _pct("benefits.retiree_social_management_rate", "退休人员社会化管理服务率",
         "Share of retirees under socialized management (社会化管理服务率)", "四(二)1", "≥", "95",
         _b(Decimal("98"), "一(二)五")),
    _pct("benefits.retiree_community_management_rate", "退休人员社区管理率",
         "Share of retirees managed by their residence community (社区管理率)", "四(二)1", "≥", "90",
         _b(Decimal("91"), "一(二)五")),
    _pct("insurance.rural_pension_farmer_rate", "纯农人员农村基本养老保险参保率", "Rural pension enrollment rate of farmers",
         "四(二)1", "≥", "95", _b(Decimal("84"), "一(二)三", (
             "2005年为农村基本养老保险覆盖率，口径相近但不相同",
             "the 2005 figure is rural basic pension coverage, a close but different measure"))),
    _pct("benefits.rural_pension_subsidy_coverage", "按月享受农村社会养老补贴和农保待遇覆盖率",
         "Coverage of monthly rural pension benefits and the elderly farmer subsidy", "四(二)1", "≥", "100",
         _b(Decimal("91"), "一(二)三")),
    _pct("insurance.land_expropriated_farmer_coverage", "被征地农民纳入基本生活保障比例",
         "Land-expropriated farmers in the basic living security scheme", "四(二)1", "≥", "100"),
    # 四(二)2–4 医疗、失业、工伤 — medical, unemployment, work injury insurance
    _pct("insurance.medical_coverage", "医疗保险覆盖率", "Medical insurance coverage", "四(二)2", "≥", "98"),
    _pct("insurance.medical_collection_rate", "医疗保险基金收缴率", "Medical insurance fund collection rate",
         "四(二)2", "≥", "96", _b(Decimal("98.6"), "一(二)三")),
    _pct("insurance.unemployment_enrollment_rate", "失业保险参保率", "Unemployment insurance enrollment rate",
         "四(二)3", "≥", "95"),
    _pct("insurance.injury_enterprise_enrollment_rate", "企业工伤保险参保率",
         "Work-injury insurance enrollment rate of enterprises",
         "四(二)4", "≥", "98"),
    _pct("insurance.injury_individual_business_enrollment_rate", "个体工商户工伤保险参保率",
         "Work-injury insurance enrollment rate of individual businesses", "四(二)4", "≥", "95"),
    # 四(二)6 社会救助 — social assistance
    _pct("assistance.minimum_allowance_coverage", "符合条件的困难对象纳入低保比例",
         "Eligible persons receiving the minimum living allowance", "四(二)6", "≥", "100"),
    _pct("assistance.five_guarantee_government_support", "符合条件的五保对象政府供养比例",
         "Eligible five-guarantee persons supported by the government", "四(二)6", "≥", "100"),
    _pct("assistance.five_guarantee_central_support_rate", "农村五保户集中供养率",
         "Rural five-guarantee households in collective care", "四(二)6", "≥", "85"),
    # 四(三) 职业培训 — vocational training
    PlanTarget("training.skill_level_ratio", "技术工人高、中、初级比例", "Skilled workers by level, high : intermediate : basic",
               "高:中:初", "high:intermediate:basic", "四(三)1", _t("=", "20:60:20", "四(三)1"),
               _b("7.44:49.53:43.04", "一(三)", ("按2005年末证书人数推算：高级工及以上3.4735万、中级23.13万、初级20.10万",
                  "derived from certificates held at the end of 2005: high (高级工 and above) 34,735, "
                  "intermediate 231,300, basic 201,000"))),
    _pct("training.young_high_skill_share", "高技能人才中青年高技能人才比例", "Young people among highly skilled workers",
         "四(三)1", "≥", "40"),
    _count("training.entrepreneurs_trained", "培养创业“准老板”人数", "Would-be business owners (准老板) trained",
           PERSONS, "四(三)2", 20_000, ("2006–2010年累计", "cumulative 2006–2010")),
    _pct("training.first_job_certified_share", "初次就业人员实行“培训-认证-就业”比例",
         "First-job entrants through training, certification, then employment", "四(三)3", "≥", "90"),
    _pct("training.vocational_students_assessed_share", "地方职业院校学生参加职业资格鉴定比例",
         "Local vocational school students taking a qualification assessment", "四(三)4", "≥", "100"),
    _pct("training.first_job_competence_recognized_share", "初次就业人员职业能力得到企业基本认可比例",
         "First-job entrants whose competences employers recognize", "四(三)5", "≥", "70"),
    _count("training.enterprise_trainers", "企业培训师人数", "Enterprise trainers", PERSONS, "四(三)6", 300),
    # 四(四) 劳动关系 — labor relations
    _pct("relations.labor_contract_rate", "劳动合同签订率", "Labor contract signing rate", "四(四)", "≥", "95"),
    _pct("relations.collective_contract_rate", "集体合同签订率（占已建工会企业）",
         "Collective contract rate (of unionized enterprises)", "四(四)", "≥", "90"),
    _pct("relations.inspection_closure_rate", "劳动保障监察案件结案率", "Labor inspection case closure rate",
         "四(四)", "≥", "95", _b(Decimal("96"), "一(四)", (PERIOD_ZH + "，96%以上", PERIOD_EN + ": over 96%")), ANNUAL),
    _pct("relations.arbitration_closure_rate", "劳动争议案件结案率", "Labor dispute case closure rate",
         "四(四)", "≥", "95", _b(Decimal("97"), "一(四)", (PERIOD_ZH + "，97%以上", PERIOD_EN + ": over 97%"))),
    _pct("relations.disputes_settled_locally_share", "企业集中乡镇劳动争议在基层解决比例",
         "Disputes settled locally in towns with many enterprises", "四(四)", "≥", "80"),
    _pct("relations.petition_closure_rate", "来信来访案件结案率", "Petition (letters and visits) closure rate",
         "四(四)", "≥", "98", _b(Decimal("98.8"), "一(四)", (PERIOD_ZH, PERIOD_EN)), ANNUAL),
    _pct("relations.inspection_squad_coverage", "乡镇、街道劳动保障监察中队覆盖面",
         "Towns and streets with a labor inspection squad", "五(五)2", "≥", "80"),
)

_BY_CODE = {t.code: t for t in PLAN_TARGETS}


def plan_target(code: str) -> PlanTarget:
    """The plan's target row for ``code``; KeyError if the plan sets none."""
    return _BY_CODE[code]


def pending() -> list[PlanTarget]:
    """Targets that no registered indicator computes yet."""
    return [t for t in PLAN_TARGETS if not is_registered(t.code)]
