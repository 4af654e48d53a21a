"""The 2023 plan (《中山市零工市场及就业驿站建设方案》) as plain data: its phases and its budget table.

No Django imports: the data migration and the reference loader both read this module.
Source: the plan text (三、建设计划; 五、资金保障; 附件 建设资金使用计划表).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

ROUND_CODE = "2023"
ROUND = {
    "code": ROUND_CODE,
    "name": "2023年零工市场及就业驿站建设",
    "source": "《中山市零工市场及就业驿站建设方案》（中山市人力资源和社会保障局，2023年9月18日印发）",
    # The plan names no start date; its first phase ran before it was issued, so the round covers the year.
    "starts_on": dt.date(2023, 1, 1),
}

# (seq, key, name, due, due for the four demonstration sites, what the phase is)
PHASES = [
    (
        1,
        "survey",
        "调研摸底",
        dt.date(2023, 9, 15),
        None,
        "各镇街摸清零工市场、就业驿站建设社会需求，形成工作方案，报市人社局形成全市统一建设方案。",
    ),
    (
        2,
        "building",
        "建设实施",
        dt.date(2023, 10, 31),
        None,
        "建设方案报请党组审议，落实资金保障并下发实施；通过政府采购落实线上零工市场建设，"
        "同步推进有条件镇街建设零工市场和就业驿站。",
    ),
    (
        3,
        "acceptance",
        "验收运营",
        dt.date(2023, 12, 31),
        # “计划11月中前完成验收并投入运营”: mid-November, taken as the 15th.
        dt.date(2023, 11, 15),
        "优先推进中心城区示范点，11月中前完成验收并投入运营；其余站点成熟一个验收一个，年底前完成全部计划。",
    ),
]

# 附件 建设资金使用计划表: (序号, 镇街 as the plan writes it, 预算资金 万元, of which the city
# demonstration-site grant).
DEMO_GRANT_WAN = Decimal("10")
BUDGET_TABLE: list[tuple[int, str, Decimal, Decimal]] = [
    (1, "石岐街道", Decimal("11.75"), DEMO_GRANT_WAN),
    (2, "东区街道", Decimal("11.75"), DEMO_GRANT_WAN),
    (3, "南区街道", Decimal("11.75"), DEMO_GRANT_WAN),
    (4, "小榄镇", Decimal("11.75"), DEMO_GRANT_WAN),
    (5, "火炬开发区", Decimal("3.5"), Decimal(0)),
    (6, "西区街道", Decimal("3.5"), Decimal(0)),
    (7, "翠亨新区 (南朗街道)", Decimal("3.5"), Decimal(0)),
    (8, "民众街道", Decimal("3.5"), Decimal(0)),
    (9, "五桂山街道", Decimal("3.5"), Decimal(0)),
    (10, "古镇镇", Decimal("3.5"), Decimal(0)),
    (11, "横栏镇", Decimal("3.5"), Decimal(0)),
    (12, "港口镇", Decimal("3.5"), Decimal(0)),
    (13, "沙溪镇", Decimal("3.5"), Decimal(0)),
    (14, "大涌镇", Decimal("3.5"), Decimal(0)),
    (15, "黄圃镇", Decimal("3.5"), Decimal(0)),
    (16, "南头镇", Decimal("3.5"), Decimal(0)),
    (17, "东风镇", Decimal("3.5"), Decimal(0)),
    (18, "阜沙镇", Decimal("3.5"), Decimal(0)),
    (19, "三角镇", Decimal("3.5"), Decimal(0)),
    (20, "三乡镇", Decimal("3.5"), Decimal(0)),
    (21, "坦洲镇", Decimal("3.5"), Decimal(0)),
    (22, "板芙镇", Decimal("3.5"), Decimal(0)),
    (23, "神湾镇", Decimal("3.5"), Decimal(0)),
]
BUDGET_TOTAL_WAN = Decimal("113.5")  # 合计
