"""The interest types (Holland RIASEC style) in plain words, and the table from types to gig work.

Each type lists the everyday gig categories (catalog.GigOccupation.category) and the 2022 occupation
codes it suits best. The table is editorial: it follows the usual Holland descriptions of these jobs
(hands-on trades and driving are R, checking and repairing I, hair, cooking and media A, care and
service S, selling and running a business E, orderly counting and sorting C), adapted to the gig
work people in Zhongshan actually find. Changing a row changes the suggestions of new results only;
stored results keep the suggestions they were given.

The TYPES table below is the mapping (type → gig categories → 2022 occupation codes, best fit first):

| type | name | gig categories | for example |
|---|---|---|---|
| R | 动手型 | 建筑装修、制造普工、物流配送 | 装卸搬运工、装饰装修工、电工、叉车、网约配送员 |
| I | 钻研型 | 制造普工、生活服务、新业态 | 质检员、机电设备维修工、家电维修、数控机床、人工智能训练师 |
| A | 创意型 | 生活服务、餐饮服务、新业态 | 美发师、美容师、面点师、调饮师、全媒体运营师 |
| S | 助人型 | 养老托育、家政服务、餐饮服务 | 养老护理员、家政服务员、保育师、医疗护理员、餐厅服务员 |
| E | 带头型 | 零售服务、新业态 | 营销员、商品营业员、互联网营销师、电子商务师；创业培训 |
| C | 细心型 | 零售服务、物流配送、安保、制造普工 | 收银员、仓储管理员、理货员、快件处理员、包装工、保安员 |
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InterestType:
    letter: str
    name: str
    description: str  # plain words, said to the worker: “您喜欢……”
    categories: tuple[str, ...]
    occupations: tuple[str, ...]  # 2022 codes, best fit first


TYPES: dict[str, InterestType] = {
    t.letter: t
    for t in (
        InterestType(
            "R",
            "动手型",
            "您喜欢动手做实在的活：用工具、开机器、搬运安装，干完看得见成果。",
            ("建筑装修", "制造普工", "物流配送"),
            (
                "4-02-05-01",
                "6-29-04-01",
                "6-31-01-03",
                "6-18-02-04",
                "6-30-05-01",
                "4-10-08-01",
                "4-02-07-08",
                "4-09-10-01",
                "6-29-03-05",
            ),
        ),
        InterestType(
            "I",
            "钻研型",
            "您爱琢磨、爱检查，喜欢弄明白东西是怎么回事，适合查问题、修机器的活。",
            ("制造普工", "生活服务", "新业态"),
            ("6-31-03-05", "6-31-01-10", "4-12-03-01", "6-18-01-07", "4-12-01-01", "4-04-05-05"),
        ),
        InterestType(
            "A",
            "创意型",
            "您有自己的想法，喜欢把东西做得好看、好吃，适合手艺活和拍视频这类活。",
            ("生活服务", "餐饮服务", "新业态"),
            (
                "4-10-03-02",
                "4-10-03-01",
                "4-10-03-03",
                "4-03-02-02",
                "4-03-02-01",
                "4-03-02-10",
                "4-13-01-05",
                "6-09-03-01",
            ),
        ),
        InterestType(
            "S",
            "助人型",
            "您喜欢和人打交道、照顾人、帮助人，适合护理、家政和招呼客人的活。",
            ("养老托育", "家政服务", "餐饮服务"),
            (
                "4-10-01-05",
                "4-10-01-06",
                "4-10-01-03",
                "4-14-01-02",
                "4-03-02-05",
                "4-10-04-02",
                "4-04-05-03",
            ),
        ),
        InterestType(
            "E",
            "带头型",
            "您敢说敢做，喜欢卖东西、带着大家干，也可以想想自己做点小生意。",
            ("零售服务", "新业态"),
            ("4-01-02-01", "4-01-02-03", "4-01-06-02", "4-01-06-01", "4-13-01-02", "4-14-06-02"),
        ),
        InterestType(
            "C",
            "细心型",
            "您做事有条理、细心，喜欢按规矩办事，适合收银、仓库、分拣和看守这类活。",
            ("零售服务", "物流配送", "安保", "制造普工"),
            (
                "4-01-02-04",
                "4-02-06-01",
                "4-02-06-02",
                "4-02-07-09",
                "6-31-05-00",
                "4-07-05-01",
                "4-09-08-01",
                "6-05-01-03",
            ),
        ),
    )
}
ORDER = "RIASEC"
