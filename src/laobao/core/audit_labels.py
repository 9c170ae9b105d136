"""What each audit action means, in words a caseworker or an auditor reads (the code stays visible too)."""

from django.utils.translation import pgettext_lazy

ACTION_LABELS = {
    "auth.login": pgettext_lazy("audit action", "登录"),
    "auth.login_failed": pgettext_lazy("audit action", "登录失败"),
    "auth.locked": pgettext_lazy("audit action", "账户锁定"),
    "auth.unlock": pgettext_lazy("audit action", "账户解锁"),
    "user.add": pgettext_lazy("audit action", "新增用户"),
    "token.create": pgettext_lazy("audit action", "签发API令牌"),
    "region.sync": pgettext_lazy("audit action", "更新区划树"),
    "person.register": pgettext_lazy("audit action", "人员登记"),
    "person.update": pgettext_lazy("audit action", "修改人员信息"),
    "person.view": pgettext_lazy("audit action", "查看人员档案"),
    "person.reveal_id": pgettext_lazy("audit action", "查看完整身份证号"),
    "employer.register": pgettext_lazy("audit action", "单位登记"),
    "employer.update": pgettext_lazy("audit action", "修改单位信息"),
    "employer.link_credit_code": pgettext_lazy("audit action", "老单位关联统一社会信用代码"),
    "relation.start": pgettext_lazy("audit action", "登记劳动关系"),
    "relation.end": pgettext_lazy("audit action", "终止劳动关系"),
    "conflict.resolve": pgettext_lazy("audit action", "处理并轨冲突"),
    "registry.import_persons": pgettext_lazy("audit action", "批量导入人员"),
    "registry.import_employers": pgettext_lazy("audit action", "批量导入单位"),
    "registry.import_report_download": pgettext_lazy("audit action", "下载导入错误报告"),
    "registry.export_persons": pgettext_lazy("audit action", "导出人员"),
    "portal.link": pgettext_lazy("audit action", "绑定自助账户"),
    "insurance.payment_reverse": pgettext_lazy("audit action", "缴费冲正"),
    "insurance.credit_refund": pgettext_lazy("audit action", "多缴退款"),
    "insurance.payment_claim": pgettext_lazy("audit action", "待查收入认领"),
    "pension_claim.receive": pgettext_lazy("audit action", "受理养老金申领"),
    "pension_claim.recheck": pgettext_lazy("audit action", "重新审核养老金申领"),
    "pension_claim.approve": pgettext_lazy("audit action", "核准养老金申领"),
    "pension_claim.reject": pgettext_lazy("audit action", "不予核准养老金申领"),
    "pension_claim.withdraw": pgettext_lazy("audit action", "撤回养老金申领"),
    "pension_claim.pdf": pgettext_lazy("audit action", "打印养老金核定表"),
    "benefit.suspend": pgettext_lazy("audit action", "暂停发放待遇"),
    "benefit.resume": pgettext_lazy("audit action", "恢复发放待遇"),
    "bank_account.open": pgettext_lazy("audit action", "登记代发账户"),
    "bank_account.correct": pgettext_lazy("audit action", "更正代发账户"),
    "payroll.start": pgettext_lazy("audit action", "开始待遇发放"),
    "payroll.chunk": pgettext_lazy("audit action", "待遇发放批次"),
    "payroll.finish": pgettext_lazy("audit action", "完成待遇发放"),
    "payroll.returns": pgettext_lazy("audit action", "导入银行回盘"),
    "demo.generate": pgettext_lazy("audit action", "生成演示数据"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
