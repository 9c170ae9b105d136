"""The grounds of a 工伤认定 decision, 工伤保险条例（2010年修订，国务院令第586号）第十四条、第十五条、第十六条.

Codes "14.n" recognise a 工伤, "15.n" a 视同工伤, "16.n" (and "0": none of 第十四/十五条 applies) refuse it.
"""

from __future__ import annotations

RECOGNISED = {
    "14.1": ("在工作时间和工作场所内，因工作原因受到事故伤害（第十四条第一项）",
             "injured by an accident at the workplace in working time, for work reasons (art. 14(1))"),
    "14.2": ("工作时间前后在工作场所内，从事与工作有关的预备性或者收尾性工作受到事故伤害（第十四条第二项）",
             "injured at the workplace just before or after working time doing preparatory or closing work "
             "(art. 14(2))"),
    "14.3": ("在工作时间和工作场所内，因履行工作职责受到暴力等意外伤害（第十四条第三项）",
             "injured by violence or a similar mishap while performing duties at work (art. 14(3))"),
    "14.4": ("患职业病（第十四条第四项）", "occupational disease (art. 14(4))"),
    "14.5": ("因工外出期间，由于工作原因受到伤害或者发生事故下落不明（第十四条第五项）",
             "injured or missing after an accident while away on work (art. 14(5))"),
    "14.6": ("在上下班途中，受到非本人主要责任的交通事故或者城市轨道交通、客运轮渡、火车事故伤害（第十四条第六项）",
             "injured on the way to or from work in a traffic accident not mainly their fault (art. 14(6))"),
    "14.7": ("法律、行政法规规定应当认定为工伤的其他情形（第十四条第七项）",
             "another case that laws or administrative regulations recognise as a work injury (art. 14(7))"),
}
DEEMED = {
    "15.1": ("在工作时间和工作岗位，突发疾病死亡或者在48小时之内经抢救无效死亡（第十五条第一项）",
             "died of a sudden illness at work, or within 48 hours despite emergency treatment (art. 15(1))"),
    "15.2": ("在抢险救灾等维护国家利益、公共利益活动中受到伤害（第十五条第二项）",
             "injured in disaster relief or another activity in the public interest (art. 15(2))"),
    "15.3": ("原在军队服役因战、因公负伤致残，已取得革命伤残军人证，到用人单位后旧伤复发（第十五条第三项）",
             "a disabled veteran's old service injury recurred after joining the employer (art. 15(3))"),
}
REFUSED = {
    "0": ("不符合第十四条、第十五条规定的情形：伤害不是因工作原因造成的",
          "none of the cases of art. 14 or 15 applies: the injury was not caused by the work"),
    "16.1": ("故意犯罪（第十六条第一项）", "an intentional crime (art. 16(1))"),
    "16.2": ("醉酒或者吸毒（第十六条第二项）", "drunkenness or drug use (art. 16(2))"),
    "16.3": ("自残或者自杀（第十六条第三项）", "self-harm or suicide (art. 16(3))"),
}
ALL = RECOGNISED | DEEMED | REFUSED


def recognition_of(code: str) -> str:
    """"injury" (第十四条), "deemed" (第十五条) or "" (refused)."""
    return "injury" if code in RECOGNISED else "deemed" if code in DEEMED else ""
