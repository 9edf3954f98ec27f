"""演示数据: a realistic, deterministic demo dataset, for trying the program out and for benchmarks.

``generate_demo(db, scale=1)`` writes what one 派驻纪检监察组 (two people, six supervised
units, about 300 cadres) records in a year: talks, meetings and opinions, numbered notices
and their feedback, 节前提醒, and every section of the 廉政档案. ``scale=N`` writes N such
groups' worth (N×6 units, N×300 cadres) into the same file, for benchmarks.

The file is ready to open in the window: the group has its name and 机关代字
(:data:`DEMO_GROUP_NAME`, :data:`DEMO_AGENCY_CODE`) and every demo member logs in with
:data:`DEMO_PASSWORD`, so the first start goes to the login, not to 首次使用. A file whose
group is already set up keeps its name, 机关代字 and logins (its demo members get no password).

Everything comes from one ``random.Random(seed)``: the same seed, scale and ``today`` give
identical rows (ids, uids and timestamps included). Rows go in with Core bulk executemany in
one write transaction, bypassing the per-object audit and search hooks; the search index is
rebuilt once at the end.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from wsjc_desktop.domain.docnumber import DEFAULT_TEMPLATE, format_doc_number, is_placeholder
from wsjc_desktop.domain.enums import (
    CadreRank,
    CadreStatus,
    ClueDisposal,
    ClueSource,
    DisciplineCategory,
    DutyReportRating,
    FirstFormHandling,
    Gender,
    MeetingType,
    NoticeKind,
    NoticeStatus,
    OpinionConclusion,
    OpinionFollowUp,
    OpinionReason,
    PersonalMattersCheck,
    RectificationStatus,
    RiskLevel,
    TalkKind,
    UnitType,
)
from wsjc_desktop.domain.models import Base, Cadre, Unit
from wsjc_desktop.errors import UserError
from wsjc_desktop.services import auth, members, notices, settings
from wsjc_desktop.storage.database import Database

__all__ = [
    "DEMO_AGENCY_CODE",
    "DEMO_GROUP_NAME",
    "DEMO_PASSWORD",
    "MAX_SCALE",
    "generate_demo",
    "has_demo_logins",
]

MAX_SCALE = 200

#: The password of every demo member (named in the README and by ``wsjc-desktop demo``).
DEMO_PASSWORD = "demo1234"
#: The demo group: hosted by the first of its six units, the 区发展和改革委员会.
DEMO_GROUP_NAME = "区纪委监委驻区发展和改革委员会纪检监察组"
DEMO_AGENCY_CODE = "驻发改纪"

Row = dict[str, Any]
Progress = Callable[[int, int], None]
T = TypeVar("T")

#: Tables in the order they are written (parents before children).
TABLE_ORDER: tuple[str, ...] = (
    "members",
    "units",
    "cadres",
    "family_members",
    "personal_matters_reports",
    "duty_reports",
    "integrity_opinions",
    "discipline_records",
    "clues",
    "risk_points",
    "talks",
    "talk_cadres",
    "meetings",
    "meeting_attendees",
    "meeting_opinions",
    "alert_notices",
    "rectifications",
)

# --- names and people -------------------------------------------------------------------

_SURNAMES_COMMON = "王李张刘陈杨黄赵吴周"
_SURNAMES_MID = "徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
_SURNAMES_RARE = (
    "彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷"
    "侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_SURNAMES: tuple[str, ...] = (
    tuple(_SURNAMES_COMMON) * 4 + tuple(_SURNAMES_MID) * 2 + tuple(_SURNAMES_RARE) + ("欧阳", "司马", "上官")
)
_MALE_CHARS = (
    "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰"
    "涛昌成康星光天达安岩中茂进林有坚和博诚先敬振壮思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦奇翰朗"
    "宏鸣朋斌梁栋维启克伦翔旭鹏泽晨辰建家树德行泰盛雄琛钧冠策腾楠航弘"
)
_FEMALE_CHARS = (
    "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱霞香月媛艳瑞佳嘉琼勤珍莉桂"
    "璐娅琦晶妍茜秋珊莎锦青倩婷婉娴瑾颖露瑶怡雁蓓仪荷丹蓉君琴蕊薇菁梦岚婕馨韵咏卿澜悦昭冰琬茗欣滢筠晓芸菲宜"
    "舒丽"
)
#: Characters in GBK but not in GB2312: names with them test fonts and encodings.
_GBK_ONLY_MALE = "堃喆昇犇垚翀赟彧"
_GBK_ONLY_FEMALE = "珺玥祎旻"

_ETHNICITIES: tuple[str, ...] = ("汉族",) * 40 + ("回族", "满族", "蒙古族", "壮族", "土家族", "苗族")
_EDUCATIONS_LEADER: tuple[str, ...] = ("研究生（硕士）", "研究生（硕士）", "大学本科", "大学本科", "大学本科")
_EDUCATIONS: tuple[str, ...] = ("研究生（硕士）",) + ("大学本科",) * 6 + ("大专",) * 2
_OTHER_POLITICAL: tuple[str, ...] = (
    "群众",
    "群众",
    "群众",
    "中共预备党员",
    "共青团员",
    "民盟盟员",
    "九三学社社员",
    "无党派人士",
)

#: 行政区划代码 and the 籍贯 written for it.
_AREAS: tuple[tuple[str, str], ...] = (
    ("110105", "北京朝阳"),
    ("120103", "天津河西"),
    ("130102", "河北石家庄"),
    ("320106", "江苏南京"),
    ("321302", "江苏宿迁"),
    ("330106", "浙江杭州"),
    ("340104", "安徽合肥"),
    ("341502", "安徽六安"),
    ("350102", "福建福州"),
    ("360102", "江西南昌"),
    ("370102", "山东济南"),
    ("370203", "山东青岛"),
    ("410105", "河南郑州"),
    ("411302", "河南南阳"),
    ("420106", "湖北武汉"),
    ("421002", "湖北荆州"),
    ("430102", "湖南长沙"),
    ("430602", "湖南岳阳"),
    ("440106", "广东广州"),
    ("500103", "重庆渝中"),
    ("510104", "四川成都"),
    ("610103", "陕西西安"),
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PHONE_PREFIXES = (
    "130",
    "131",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "157",
    "158",
    "159",
    "166",
    "173",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
)


def id_check_digit(first17: str) -> str:
    """GB 11643-1999 check character of the first 17 digits of a 身份证号."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


# --- units ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _UnitTemplate:
    name: str  # after the district: "发展和改革委员会" → "区发展和改革委员会"
    short: str
    unit_type: UnitType
    top: str  # the 一把手's post
    deputies: tuple[str, ...]  # the other 班子成员's posts
    depts: tuple[str, ...]
    processes: tuple[str, ...]  # the unit's own 廉政风险 processes


_AGENCY_DEPUTIES = ("党组成员、副{head}", "党组成员、副{head}", "副{head}", "党组成员、副{head}", "副{head}")

_TEMPLATES: tuple[_UnitTemplate, ...] = (
    _UnitTemplate(
        "发展和改革委员会",
        "发改委",
        UnitType.AGENCY,
        "党组书记、主任",
        _AGENCY_DEPUTIES,
        ("办公室", "规划科", "投资科", "价格科", "经济运行科", "重点项目办公室", "粮食和物资储备科"),
        ("项目审批", "政府投资项目核准", "价格认定", "重点项目资金安排"),
    ),
    _UnitTemplate(
        "财政局",
        "财政局",
        UnitType.AGENCY,
        "党组书记、局长",
        _AGENCY_DEPUTIES,
        ("办公室", "预算科", "国库科", "政府采购管理办公室", "国有资产管理科", "会计科", "农业农村科"),
        ("预算资金分配", "国库集中支付", "政府采购监管", "财政专项资金拨付"),
    ),
    _UnitTemplate(
        "住房和城乡建设局",
        "住建局",
        UnitType.AGENCY,
        "党组书记、局长",
        _AGENCY_DEPUTIES,
        (
            "办公室",
            "建筑业管理科",
            "城市建设科",
            "房地产市场管理科",
            "建设工程质量安全监督站",
            "招投标管理办公室",
            "物业管理科",
        ),
        ("工程招标投标监管", "施工许可审批", "工程质量安全检查", "老旧小区改造项目管理"),
    ),
    _UnitTemplate(
        "教育局",
        "教育局",
        UnitType.PARTY_COMMITTEE,
        "党委书记、局长",
        ("党委委员、副局长", "党委委员、副局长", "副局长", "党委委员、教育督导室主任", "党委副书记"),
        ("办公室", "基础教育科", "人事科", "计划财务科", "体卫艺科", "教育督导室", "学生资助管理中心"),
        ("教师招聘", "校舍维修工程", "教辅材料征订", "学生资助资金发放"),
    ),
    _UnitTemplate(
        "卫生健康委员会",
        "卫健委",
        UnitType.AGENCY,
        "党组书记、主任",
        _AGENCY_DEPUTIES,
        ("办公室", "医政医管科", "公共卫生科", "基层卫生科", "人事科", "财务科", "综合监督科"),
        ("医疗设备采购", "医疗机构执业审批", "公共卫生资金管理", "药品耗材集中采购"),
    ),
    _UnitTemplate(
        "城投集团有限公司",
        "城投集团",
        UnitType.STATE_ENTERPRISE,
        "党委书记、董事长",
        ("党委副书记、总经理", "党委委员、副总经理", "党委委员、纪委书记", "副总经理", "总会计师"),
        ("综合部", "财务部", "工程管理部", "投资发展部", "融资部", "招标采购部", "资产运营部"),
        ("工程发包", "融资担保", "国有资产处置", "工程款支付"),
    ),
    _UnitTemplate(
        "人力资源和社会保障局",
        "人社局",
        UnitType.AGENCY,
        "党组书记、局长",
        _AGENCY_DEPUTIES,
        ("办公室", "就业促进科", "社会保险科", "劳动关系科", "人才开发科", "劳动保障监察大队"),
        ("就业补贴发放", "社保基金管理", "职称评审", "劳动保障监察执法"),
    ),
    _UnitTemplate(
        "自然资源局",
        "自然资源局",
        UnitType.AGENCY,
        "党组书记、局长",
        _AGENCY_DEPUTIES,
        ("办公室", "国土空间规划科", "耕地保护科", "土地利用科", "不动产登记科", "执法监察大队"),
        ("土地出让", "规划调整", "不动产登记", "土地执法"),
    ),
    _UnitTemplate(
        "交通运输局",
        "交通局",
        UnitType.AGENCY,
        "党组书记、局长",
        _AGENCY_DEPUTIES,
        ("办公室", "规划建设科", "运输管理科", "公路养护科", "安全监督科", "综合执法大队"),
        ("公路工程招标", "道路运输许可", "养护资金使用", "交通行政处罚"),
    ),
    _UnitTemplate(
        "农业农村局",
        "农业农村局",
        UnitType.AGENCY,
        "党组书记、局长",
        _AGENCY_DEPUTIES,
        ("办公室", "乡村振兴科", "种植业科", "农田建设科", "农村经营管理科", "计划财务科"),
        ("惠农补贴发放", "高标准农田建设", "农村集体资产监管", "农业项目验收"),
    ),
    _UnitTemplate(
        "市场监督管理局",
        "市场监管局",
        UnitType.AGENCY,
        "党组书记、局长",
        _AGENCY_DEPUTIES,
        ("办公室", "登记注册科", "食品安全监管科", "特种设备安全监察科", "价格监督检查科", "综合执法大队"),
        ("行政处罚", "食品生产许可", "特种设备检验", "广告监管"),
    ),
    _UnitTemplate(
        "民政局",
        "民政局",
        UnitType.AGENCY,
        "党组书记、局长",
        _AGENCY_DEPUTIES,
        ("办公室", "社会救助科", "养老服务科", "社会组织管理科", "区划地名科", "计划财务科"),
        ("低保审核审批", "养老服务补贴发放", "社会组织登记", "救助资金管理"),
    ),
    _UnitTemplate(
        "委宣传部",
        "委宣传部",
        UnitType.PARTY_COMMITTEE,
        "区委常委、宣传部部长",
        ("常务副部长", "副部长", "副部长、网信办主任", "副部长"),
        ("办公室", "理论科", "宣传科", "文明创建科", "网络宣传管理科"),
        ("宣传经费使用", "文化项目扶持资金评审", "活动承办单位选定", "媒体合作采购"),
    ),
    _UnitTemplate(
        "人民医院",
        "人民医院",
        UnitType.INSTITUTION,
        "党委书记、院长",
        ("党委副书记、副院长", "党委委员、副院长", "副院长", "党委委员、纪委书记"),
        ("院办公室", "医务科", "财务科", "设备科", "药剂科", "护理部", "基建科"),
        ("药品耗材采购", "医疗设备采购", "基建工程管理", "医保基金使用"),
    ),
    _UnitTemplate(
        "疾病预防控制中心",
        "疾控中心",
        UnitType.INSTITUTION,
        "党支部书记、主任",
        ("副主任", "副主任", "党支部副书记、副主任"),
        ("办公室", "免疫规划科", "检验科", "卫生监测科", "财务科"),
        ("疫苗管理", "检验试剂采购", "应急物资储备", "专项经费使用"),
    ),
    _UnitTemplate(
        "公共资源交易中心",
        "交易中心",
        UnitType.INSTITUTION,
        "党支部书记、主任",
        ("副主任", "副主任", "党支部副书记、副主任"),
        ("综合科", "交易服务科", "信息技术科", "专家管理科", "场地见证科"),
        ("评标专家抽取", "交易场地安排", "投标保证金管理", "交易信息发布"),
    ),
    _UnitTemplate(
        "国有资产投资经营有限公司",
        "国投公司",
        UnitType.STATE_ENTERPRISE,
        "党委书记、董事长",
        ("党委副书记、总经理", "党委委员、副总经理", "党委委员、纪委书记", "副总经理", "财务总监"),
        ("综合管理部", "财务管理部", "投资管理部", "风险控制部", "资产管理部", "审计部"),
        ("对外投资", "资产租赁", "国有股权转让", "借款担保"),
    ),
    _UnitTemplate(
        "水务集团有限公司",
        "水务集团",
        UnitType.STATE_ENTERPRISE,
        "党委书记、董事长",
        ("党委副书记、总经理", "党委委员、副总经理", "党委委员、纪委书记", "副总经理"),
        ("综合部", "财务部", "工程部", "供水营业部", "物资采购部", "安全生产部"),
        ("管网工程发包", "物资采购", "水费收缴", "用户报装"),
    ),
)
#: Group 0's six units: the body of a typical district group.
_FIRST_GROUP = (0, 1, 2, 3, 4, 5)
_DISTRICT_FIRST = "东西南北中新青金龙凤云江河湖山平安长宝兴"
_DISTRICT_SECOND = "城湖山江阳河塘岭桥林"

# --- texts ------------------------------------------------------------------------------

_PROJECTS = (
    "城东片区老旧小区改造",
    "区第二实验小学扩建",
    "智慧监管平台建设",
    "滨河路道路提升改造",
    "农村饮水安全巩固提升",
    "保障性租赁住房建设",
    "应急物资储备库建设",
    "公共卫生服务中心装修",
    "高标准农田建设",
    "城市更新示范片区",
    "污水管网改造",
    "智慧校园建设",
)

_TALK_TEXT: dict[TalkKind, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    TalkKind.INTEGRITY: (
        (
            "年度廉政谈话，督促落实“一岗双责”",
            "节前廉政谈话，重申中央八项规定精神",
            "针对分管领域廉政风险开展廉政谈话",
            "结合巡察反馈问题整改开展廉政谈话",
            "新任中层干部集体廉政谈话",
            "督促履行全面从严治党主体责任",
        ),
        (
            "传达学习中央八项规定及其实施细则精神，通报近期典型案例，结合分管工作指出存在的廉政风险，"
            "要求认真履行“一岗双责”，管好自己、管好身边人。",
            "通报“以案四说、以案四改”典型案例，要求以案为鉴、以案促改，对照查找思想、作风和制度方面的问题，"
            "切实筑牢拒腐防变思想防线。",
            "听取其履行“一岗双责”情况汇报，指出分管领域在资金审批、项目管理等环节存在的薄弱点，"
            "要求完善内控制度，做到抓早抓小、防微杜渐。",
        ),
        (
            "表示将严格遵守中央八项规定精神，自觉接受监督，切实履行“一岗双责”。",
            "表示将以案为鉴、引以为戒，守牢廉洁底线，带头落实各项纪律要求。",
            "表示将加强对分管科室的日常管理，发现苗头性问题及时提醒纠正。",
        ),
    ),
    TalkKind.PRE_APPOINTMENT: (
        ("新提任干部任前廉政谈话", "岗位交流任前谈话", "新任中层正职任前廉政谈话"),
        (
            "重申选人用人纪律和廉洁从政要求，提醒其正确对待权力，严格执行民主集中制，"
            "在新岗位上做到秉公用权、廉洁用权。",
            "介绍新岗位的廉政风险点，要求其尽快熟悉岗位职责，带头遵守各项制度规定，主动接受监督。",
        ),
        (
            "表示将珍惜组织信任，在新岗位上严格要求自己，做到干净干事。",
            "表示将认真梳理岗位廉政风险，主动接受组织和群众监督。",
        ),
    ),
    TalkKind.REMINDER: (
        (
            "未按时上报《落实全面从严治党主体责任任务分解表》",
            "财务报销票据不规范",
            "公务用车使用登记不规范",
            "在政府采购中履行审核职责不到位",
            "分管领域问题整改推进迟缓",
            "工作作风不够扎实，群众反映办事拖沓",
        ),
        (
            "指出其存在的问题及可能造成的不良影响，要求立即整改，举一反三，防止类似问题再次发生。",
            "对其进行严肃提醒，要求深刻认识问题的严重性，认真剖析原因，限期完成整改。",
        ),
        ("深刻认识到错误，表示会以此为戒，杜绝类似情况再次发生。", "表示将立即整改，并将整改情况书面报告。"),
    ),
    TalkKind.HEART_TO_HEART: (
        (
            "了解思想动态和工作情况",
            "岗位调整后谈心谈话",
            "年轻干部结对互促谈心谈话",
            "家庭遇到困难后谈心谈话",
        ),
        (
            "了解其近期思想、工作和家庭情况，听取对单位党风廉政建设的意见建议，勉励其坚定理想信念、担当作为。",
            "结合年轻干部成长特点，提醒其注意交友圈、生活圈，扣好廉洁从政的“第一粒扣子”。",
        ),
        ("表示将加强学习，严格要求自己。", "对组织关心表示感谢，将以更好的状态投入工作。"),
    ),
    TalkKind.ADMONISHMENT: (
        (
            "经初核，违规报销出差地交通费问题属实",
            "违反规定接受管理服务对象宴请",
            "履行监管职责不力造成不良影响",
        ),
        (
            "经集体研判并报联系室批准，对其进行诫勉谈话，指出其行为违反了中央八项规定精神，要求深刻检查、认真整改。",
        ),
        ("认识到错误，已主动退还超额报销费用，表示坚决改正。", "接受组织处理，表示将深刻反思、引以为戒。"),
    ),
    TalkKind.SUMMONS: (
        ("单位落实全面从严治党主体责任不到位", "巡察反馈问题整改进度滞后", "廉情抄告单逾期未反馈"),
        ("约谈单位主要负责人，通报发现的问题，要求党委（组）切实扛起主体责任，制定整改台账，逐项销号。",),
        ("表示将召开专题会议研究部署整改工作，按期报送整改情况。",),
    ),
    TalkKind.WRITTEN_INQUIRY: (
        ("信访举报反映其亲属承揽本系统工程项目", "反映其违规使用公务用车", "反映其在招聘工作中打招呼"),
        ("向其发出函询通知书，要求就反映问题作出书面说明，已按期回复，所在单位党组主要负责人签署意见。",),
        ("书面说明了有关情况，表示愿意接受组织核查。",),
    ),
}
_TALK_FOLLOW_UPS = (
    "纳入廉政档案，持续跟踪了解其履职情况。",
    "三个月后回访，整改到位，表现良好。",
    "督促其在组织生活会上作对照检查。",
    "已将谈话情况通报所在单位党组。",
    None,
    None,
)
_TALK_WEIGHTS: tuple[tuple[TalkKind, int], ...] = (
    (TalkKind.INTEGRITY, 45),
    (TalkKind.PRE_APPOINTMENT, 15),
    (TalkKind.REMINDER, 15),
    (TalkKind.HEART_TO_HEART, 18),
    (TalkKind.ADMONISHMENT, 2),
    (TalkKind.SUMMONS, 3),
    (TalkKind.WRITTEN_INQUIRY, 2),
)

_PARTY_TOPICS = (
    "传达学习习近平总书记重要讲话和重要指示批示精神（第一议题）",
    "研究落实全面从严治党主体责任清单",
    "研究党风廉政建设和反腐败工作要点",
    "研究意识形态工作",
    "研究巡察反馈问题整改方案",
    "通报“以案四说、以案四改”典型案例",
    "研究基层党组织建设工作",
    "研究干部教育培训计划",
)
_MAJOR_TOPICS = (
    "研究{proj}项目招标方式",
    "研究{proj}项目资金安排",
    "研究办公设备集中采购事项",
    "研究人事任免事项",
    "研究{proj}工程变更签证",
    "研究大额资金使用事项",
    "研究年度预算调整事项",
    "研究下属单位对外投资事项",
)
_ADMIN_TOPICS = (
    "研究{m}月份重点工作推进情况",
    "研究安全生产工作",
    "研究优化营商环境工作",
    "研究信访维稳工作",
    "研究民生实事项目推进情况",
    "研究档案管理工作",
)
_SPECIAL_TOPICS = (
    ("全面从严治党专题会", "研究部署全面从严治党工作，听取班子成员履行“一岗双责”情况"),
    ("“以案四说、以案四改”专题会", "通报典型案例，开展“以案四说、以案四改”"),
    ("巡察整改专题推进会", "听取巡察反馈问题整改进展情况"),
    ("廉政风险防控专题会", "梳理排查重点岗位廉政风险点"),
    ("作风建设专项整治推进会", "研究推进形式主义官僚主义专项整治"),
)
_LIFE_TOPICS = (
    "通报上年度民主生活会整改落实情况",
    "班子及成员对照检查",
    "开展批评和自我批评",
    "研究制定整改措施",
)
_MEETING_WEIGHTS: tuple[tuple[MeetingType, int], ...] = (
    (MeetingType.PARTY_COMMITTEE, 44),
    (MeetingType.MAJOR_DECISION, 20),
    (MeetingType.ADMINISTRATIVE, 20),
    (MeetingType.SPECIAL_TOPIC, 12),
    (MeetingType.OTHER, 4),
)
_ROOMS = ("三楼会议室", "党组会议室", "一楼会议室", "党建活动室", "五楼小会议室")
_OPINIONS = (
    "建议严格执行“三重一大”集体决策制度，该事项应充分论证后再上会研究。",
    "该采购事项预算金额达到公开招标限额标准，建议依法采用公开招标方式，不得化整为零规避招标。",
    "建议“一把手”严格执行末位表态制，充分听取班子成员意见。",
    "建议对工程变更签证严格审核，邀请审计部门提前介入。",
    "建议完善财务报销内控制度，加强对差旅费、会议费的审核把关。",
    "建议将廉政风险防控措施嵌入业务流程，明确岗位责任。",
    "对照检查材料查摆问题不够具体，建议进一步聚焦个人思想和工作实际。",
    "建议会议记录完整记载每位班子成员的表态意见，做到全程留痕。",
    "议题材料未提前送达参会人员，建议严格执行议题提前报送制度。",
    "建议涉及招商引资优惠政策的议题严格对照普惠政策，不得突破规定。",
)
_CADRE_OPINIONS = (
    "建议{post}加强对分管科室的日常监督管理，切实履行“一岗双责”。",
    "建议{post}在项目实施中严格执行招投标规定，主动接受监督。",
    "建议{post}对本人分管领域的廉政风险点再梳理、再排查。",
)
_OPINION_NOTES: dict[OpinionFollowUp, tuple[str | None, ...]] = {
    OpinionFollowUp.PENDING: (None, "正在研究落实。"),
    OpinionFollowUp.ADOPTED: ("单位已采纳，按意见调整了方案。", "已采纳，改为公开招标。"),
    OpinionFollowUp.IMPLEMENTED: ("已修订相关制度并印发执行。", "已落实，整改材料已报送纪检监察组。"),
    OpinionFollowUp.NOT_ADOPTED: ("经研究暂不调整，单位已书面说明理由。",),
}
_MEETING_FOLLOW_UPS = (
    "意见建议已当场反馈，会后跟踪落实。",
    "已将意见建议书面反馈单位党组。",
    "会后督促单位完善会议记录。",
    None,
)

#: (short issue, 发现的问题, 整改要求) for 廉情抄告单.
_COPY_ISSUES: tuple[tuple[str, str, str], ...] = (
    (
        "差旅费报销不规范",
        "在日常监督检查中发现，你单位部分差旅费报销存在无审批单、超标准报销住宿费等问题，涉及单据{n}张。",
        "请你单位立即组织自查，对超标准部分予以退还，完善差旅费报销审核制度，并将整改情况书面报送纪检监察组。",
    ),
    (
        "公务用车管理不规范",
        "公务用车实时监管系统预警显示，你单位{n}辆公务用车存在节假日停放非指定地点、派车单填写不全等情况。",
        "请严格执行公务用车管理规定，逐车核查预警信息，落实派车、登记、停放制度，并书面反馈整改情况。",
    ),
    (
        "政府采购程序不规范",
        "政采云监督岗发现，你单位{proj}相关采购项目存在采购需求论证不充分、采购公告发布时间不足法定期限等问题。",
        "请对照《政府采购法》及其实施条例开展自查，规范采购程序，压实采购人主体责任，并按期反馈整改情况。",
    ),
    (
        "“三重一大”事项决策程序不规范",
        "列席会议发现，你单位{proj}有关事项未经集体研究即已先行实施，会议记录不完整。",
        "请严格执行“三重一大”集体决策制度，完善议事规则和会议记录，对相关情况作出说明并按期反馈。",
    ),
    (
        "公务接待管理不规范",
        "检查发现，你单位部分公务接待无公函、接待清单填写不完整，涉及{n}批次。",
        "请严格执行公务接待管理规定，规范接待审批和清单管理，并按期反馈整改情况。",
    ),
    (
        "固定资产管理不规范",
        "抽查发现，你单位固定资产账实不符，{n}台办公设备未登记入账。",
        "请开展固定资产全面清查，做到账账相符、账实相符，完善资产管理制度并按期反馈。",
    ),
    (
        "工作纪律执行不严",
        "明察暗访发现，你单位部分工作人员存在上班时间脱岗、办事窗口无人值守等情况。",
        "请加强工作纪律教育和日常考勤管理，对相关人员进行批评教育，并将整改情况书面反馈。",
    ),
    (
        "工程变更签证管理不严",
        "{proj}项目存在{n}次工程变更未履行审批程序的情况，涉及金额约{amount}万元。",
        "请委托第三方开展审计，规范工程变更审批程序，对相关责任人员进行提醒，并书面反馈整改情况。",
    ),
)
_REMINDER_TOPICS = (
    "履行“一岗双责”",
    "严格执行干部选拔任用纪律",
    "规范政府采购行为",
    "严格财经纪律",
    "加强分管领域廉政风险防控",
    "落实中央八项规定精神",
)
_REMINDER_REQUIREMENTS = (
    "请切实履行“一岗双责”，加强对分管科室和人员的教育管理监督，发现问题及时纠正，"
    "并将落实情况书面反馈纪检监察组。"
)
_CHECK_NOTES: dict[PersonalMattersCheck, str] = {
    PersonalMattersCheck.CONSISTENT: "经与相关部门反馈信息比对，报告内容与查核结果一致。",
    PersonalMattersCheck.OMITTED: "漏报配偶名下房产1套，已作出书面说明并补报，予以批评教育。",
    PersonalMattersCheck.CONCEALED: "隐瞒不报投资情况，已按干部管理权限移交处理。",
}
_PROMPT_TOPICS = (
    (
        "加强工程建设领域廉政风险防控",
        "工程建设项目点多面广，招标投标、变更签证、验收结算等环节廉政风险较高。",
    ),
    (
        "做好巡察反馈问题整改工作",
        "巡察反馈问题中仍有{n}项未完成整改，个别问题存在整改不彻底、反弹回潮的风险。",
    ),
    ("防范年底突击花钱问题", "往年第四季度存在集中支付、突击采购等现象，预算执行不均衡。"),
    ("规范津贴补贴发放", "检查发现部分单位存在自定项目发放补贴、以加班费名义发放奖金等苗头性问题。"),
    ("加强涉企检查规范管理", "个别执法人员在涉企检查中存在重复检查、随意检查等问题，影响营商环境。"),
)
_PROPOSAL_AREAS = (
    (
        "财务内控管理",
        "一是财务审批制度执行不严，存在事后补签情况；二是票据审核把关不严；三是往来款项长期挂账未清理。",
        "一、修订完善财务管理制度，严格执行审批程序；二、加强财务人员业务培训；三、开展往来款项专项清理。",
    ),
    (
        "工程项目管理",
        "一是部分项目未按规定履行招标程序；二是工程变更随意，增加投资未经集体研究；三是竣工结算审核滞后。",
        "一、严格执行招标投标法律法规；二、建立工程变更集体研究和报备制度；三、加快竣工结算审计。",
    ),
    (
        "选人用人监督",
        "一是干部选拔任用纪实不完整；二是个人有关事项报告查核结果运用不充分；三是轮岗交流不到位。",
        "一、完善干部选拔任用全程纪实；二、强化查核结果运用；三、对重点岗位人员按规定实行轮岗交流。",
    ),
    (
        "执法权力运行监督",
        "一是行政处罚自由裁量基准执行不严；二是执法记录不完整；三是重大处罚决定未经法制审核。",
        "一、严格执行处罚裁量基准；二、落实执法全过程记录制度；三、重大处罚决定一律经法制审核和集体讨论。",
    ),
)
_HOLIDAY_REQUIREMENTS = (
    "节日期间，严禁违规收送礼品礼金和消费卡，严禁违规公款吃喝、公款旅游，严禁违规发放津贴补贴，严禁公车私用。"
    "各单位要组织党员干部认真学习中央八项规定及其实施细则精神，通报典型案例，落实值班制度。"
    "请于节后5个工作日内将节日期间廉洁自律情况报送纪检监察组。"
)
_FEEDBACK_MEASURES = (
    "已召开党组会专题研究整改，对超标准报销的{n}笔费用予以追回，修订了《差旅费管理办法》。",
    "已组织相关科室逐项核查，建立整改台账，明确责任人和完成时限，目前已完成{n}项。",
    "已对相关责任人进行批评教育，并在全体干部职工会上通报，举一反三开展自查。",
    "已修订完善内控制度{n}项，经党组会审议通过后印发执行。",
    "已组织全体党员干部传达学习，开展节前廉政教育，自查未发现违规问题。",
)
_CLUE_SUMMARIES = (
    "反映该单位{post}在{proj}项目验收中接受施工方宴请。",
    "反映该单位违规发放津贴补贴。",
    "反映该单位{post}亲属承揽本系统工程项目。",
    "反映该单位{post}工作作风简单粗暴、办事拖沓。",
    "匿名反映该单位在招聘编外人员中存在优亲厚友问题。",
    "反映该单位{post}违规使用公务用车接送家人。",
    "反映该单位{proj}项目存在围标串标问题。",
)
_CLUE_RESULTS: dict[ClueDisposal, tuple[str, ...]] = {
    ClueDisposal.TALK_INQUIRY: (
        "经谈话函询，本人已作出说明，反映问题不属实，予以了结。",
        "经函询，反映问题基本属实但情节轻微，对其进行提醒谈话。",
    ),
    ClueDisposal.PRELIMINARY_CHECK: (
        "经初步核实，反映问题部分属实，给予批评教育。",
        "经初步核实，反映问题不属实，予以澄清。",
    ),
    ClueDisposal.SHELVED: ("反映问题线索不具体，暂存待查。",),
    ClueDisposal.CLOSED: (
        "反映问题缺乏可查性，予以了结。",
        "经了解，反映问题已由主管部门依规处理，予以了结。",
    ),
}
_CLUE_SOURCE_WEIGHTS: tuple[tuple[ClueSource, int], ...] = (
    (ClueSource.PETITION, 45),
    (ClueSource.ASSIGNED, 20),
    (ClueSource.SUPERVISION, 18),
    (ClueSource.INSPECTION, 8),
    (ClueSource.AUDIT, 6),
    (ClueSource.OTHER, 3),
)
_RISKS: tuple[tuple[str, str, str], ...] = (
    (
        "政府采购",
        "采购需求设置倾向性条款，指定品牌或供应商",
        "严格执行采购需求论证和公开招标制度，采购文件实行集体审核",
    ),
    ("资金拨付", "违规拨付或截留挪用专项资金", "实行资金拨付分级审批，定期开展账务核对"),
    ("行政审批", "利用审批权吃拿卡要、优亲厚友", "推行网上审批，全程留痕，定期抽查审批卷宗"),
    ("干部选拔任用", "违反程序选人用人，搞任人唯亲", "严格执行干部选拔任用工作条例，全程纪实"),
    ("工程变更签证", "虚增工程量、违规变更签证", "引入第三方审计，变更事项集体研究"),
    ("招标投标", "围标串标、泄露标底", "全流程电子化招投标，评标专家随机抽取"),
    ("行政处罚", "随意行使自由裁量权，以罚代管", "严格执行处罚裁量基准，重大处罚集体讨论"),
    ("公务接待与公车管理", "超标准接待、公车私用", "严格执行接待清单制度和公车使用登记制度"),
    ("国有资产处置", "低价处置国有资产，造成国有资产流失", "资产处置履行评估和公开交易程序"),
    ("项目评审", "在项目申报评审中收受好处、违规打分", "评审专家随机抽取，评审过程全程记录"),
)
_OPINION_REQUESTERS: dict[OpinionReason, tuple[str, ...]] = {
    OpinionReason.PROMOTION: ("区委组织部",),
    OpinionReason.RANK_PROMOTION: ("区委组织部", "{unit}"),
    OpinionReason.AWARD: ("区人力资源和社会保障局", "区总工会", "区妇联", "区直机关工委"),
    OpinionReason.TRANSFER: ("区委组织部",),
    OpinionReason.NOMINATION: ("区委统战部", "区人大常委会办公室"),
    OpinionReason.OTHER: ("区委宣传部", "区委政法委员会"),
}
_REASON_WEIGHTS: tuple[tuple[OpinionReason, int], ...] = (
    (OpinionReason.PROMOTION, 25),
    (OpinionReason.RANK_PROMOTION, 30),
    (OpinionReason.AWARD, 30),
    (OpinionReason.TRANSFER, 8),
    (OpinionReason.NOMINATION, 5),
    (OpinionReason.OTHER, 2),
)
_CONCLUSION_WEIGHTS: tuple[tuple[OpinionConclusion, int], ...] = (
    (OpinionConclusion.NO_CLUES, 88),
    (OpinionConclusion.CLOSED_NO_OBJECTION, 4),
    (OpinionConclusion.EXPIRED_NO_OBJECTION, 3),
    (OpinionConclusion.PENDING_DEFERRED, 2),
    (OpinionConclusion.SUGGEST_DEFER, 2),
    (OpinionConclusion.SUGGEST_NOT_USE, 1),
)
_JOBS: tuple[tuple[str, str | None], ...] = (
    ("区第一中学", "教师"),
    ("区人民医院", "护士"),
    ("某银行支行", "客户经理"),
    ("区税务局", "科员"),
    ("某科技有限公司", "会计"),
    ("区实验小学", "教师"),
    ("某保险公司", "业务员"),
    ("街道办事处", "工作人员"),
    ("某设计院", "工程师"),
    ("自由职业", None),
    ("某律师事务所", "律师"),
    ("区图书馆", "馆员"),
)
_BUSINESSES = (
    ("{city}{word}建材经营部", "经营者", "个体工商户，经营建筑材料销售，经核查与本单位无业务往来。"),
    ("{city}{word}商贸有限公司", "法定代表人", "持有该公司60%股份，已按规定在个人有关事项报告中报告。"),
    ("{city}{word}餐饮店", "经营者", "个体经营餐饮，未与本单位发生业务往来。"),
    ("{city}{word}工程咨询有限公司", "股东", "持股20%，已作出回避承诺，纪检监察组跟踪掌握。"),
)
_BUSINESS_WORDS = ("鑫源", "恒达", "顺和", "宏泰", "佳信", "永盛", "润丰", "金诺")


# --- the generator ------------------------------------------------------------------------


@dataclass(slots=True)
class _Cadre:
    id: int
    unit: _Unit
    surname: str
    name: str
    gender: Gender
    birth: date
    rank: CadreRank
    is_leader: bool
    is_top: bool
    is_head: bool  # a 中层正职 (科室负责人)
    position: str
    serving: bool


@dataclass(slots=True)
class _Unit:
    id: int
    full_name: str
    short: str
    tpl: _UnitTemplate
    group: _Group
    cadres: list[_Cadre] = field(default_factory=list)
    liaison: str = ""


@dataclass(slots=True)
class _Group:
    index: int
    district: str  # "区" for the first group, "东城区" …
    chief_id: int  # 组长
    chief_name: str
    staff_id: int  # 组员
    staff_name: str
    units: list[_Unit] = field(default_factory=list)

    @property
    def members(self) -> tuple[int, int]:
        return (self.chief_id, self.staff_id)


def _party_word(unit: _Unit) -> str:
    """How the unit's leading party body is called after its name: 党组, 党委, 党支部 (or nothing)."""
    if unit.tpl.name.startswith("委"):
        return ""
    if unit.tpl.top.startswith("党支部"):
        return "党支部"
    return "党组" if unit.tpl.unit_type == UnitType.AGENCY else "党委"


def _month_add(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    day = min(d.day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
    return date(year, month, day)


class _Demo:
    def __init__(
        self,
        rng: random.Random,
        today: date,
        next_ids: dict[str, int],
        next_numbers: dict[NoticeKind, notices.NextNumber],
        agency_code: str,
        password_hash: str | None,
    ) -> None:
        self.rng = rng
        self.today = today
        self.year = today.year
        self.jan1 = date(self.year, 1, 1)
        self.rows: dict[str, list[Row]] = {name: [] for name in TABLE_ORDER}
        self.next_ids = next_ids
        self.next_numbers = next_numbers  # this year's, as notices.allocate_number would give them
        self.agency_code = agency_code
        self.password_hash = password_hash
        self.groups: list[_Group] = []
        self.used_ids: set[str] = set()
        self.opinion_batches = 0
        self.doc_sequences: dict[NoticeKind, int] = {}

    # --- small helpers ---------------------------------------------------------------------

    def _uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _ts(self, d: date) -> datetime:
        return datetime(
            d.year, d.month, d.day, self.rng.randint(8, 17), self.rng.randint(0, 59), self.rng.randint(0, 59)
        )

    def _day(self, lo: date, hi: date) -> date:
        span = (hi - lo).days
        return lo if span <= 0 else lo + timedelta(days=self.rng.randint(0, span))

    def _workday(self, lo: date, hi: date) -> date:
        """A random weekday between lo and hi (a weekend only if the range has no weekday)."""
        d = self._day(lo, hi)
        if d.weekday() >= 5:
            back = d - timedelta(days=d.weekday() - 4)
            fwd = d + timedelta(days=7 - d.weekday())
            if back >= lo:
                return back
            if fwd <= hi:
                return fwd
        return d

    def _in_year(self, earliest_days_ago: int | None = None) -> date:
        lo = (
            self.jan1
            if earliest_days_ago is None
            else max(self.jan1, self.today - timedelta(days=earliest_days_ago))
        )
        return self._workday(lo, self.today)

    def _pick(self, weighted: Sequence[tuple[T, int]]) -> T:
        return self.rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]

    def _record(self, table: str, when: datetime, by: int | None, updated: datetime | None = None) -> Row:
        rid = self.next_ids[table]
        self.next_ids[table] = rid + 1
        row: Row = {
            "id": rid,
            "uid": self._uid(),
            "created_at": when,
            "updated_at": updated or when,
            "created_by_id": by,
            "updated_by_id": by,
            "deleted_at": None,
        }
        self.rows[table].append(row)
        return row

    def _phone(self) -> str:
        return self.rng.choice(_PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def _given(self, gender: Gender, rare: bool = False) -> str:
        chars = _MALE_CHARS if gender == Gender.MALE else _FEMALE_CHARS
        first = self.rng.choice(chars)
        if rare or self.rng.random() < 0.015:
            first = self.rng.choice(_GBK_ONLY_MALE if gender == Gender.MALE else _GBK_ONLY_FEMALE)
        if self.rng.random() < 0.3:
            return first
        second = self.rng.choice(chars)
        return first + second if self.rng.random() < 0.5 else second + first

    def _person(self, gender: Gender, surname: str | None = None, rare: bool = False) -> tuple[str, str]:
        sur = surname or self.rng.choice(_SURNAMES)
        return sur, sur + self._given(gender, rare)

    def _id_number(self, birth: date, gender: Gender, area: str) -> str:
        while True:
            last = self.rng.choice("13579" if gender == Gender.MALE else "02468")
            first17 = f"{area}{birth:%Y%m%d}{self.rng.randint(0, 99):02d}{last}"
            number = first17 + id_check_digit(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def _years_from(self, base: date, lo: int, hi: int) -> date:
        """A date between ``lo`` and ``hi`` years (negative: before) from ``base``."""
        return base + timedelta(days=self.rng.randint(lo * 365, hi * 365))

    def _birth(self, oldest: int, youngest: int) -> date:
        lo = date(self.year - oldest, 1, 1)
        hi = date(self.year - youngest, 12, 28)
        return self._day(lo, hi)

    # --- members, units, cadres ----------------------------------------------------------------

    def build_group(self, index: int, district: str, templates: Sequence[_UnitTemplate]) -> _Group:
        stamp = datetime(self.year, 1, 1, 8, 30)
        ids: list[int] = []
        names: list[str] = []
        for order, title in enumerate(("组长", "组员")):
            gender = Gender.MALE if order == 0 or self.rng.random() < 0.5 else Gender.FEMALE
            _, name = self._person(gender)
            row = self._record("members", stamp, None)
            row.update(
                name=name,
                title=title,
                phone=self._phone(),
                is_active=True,
                password_hash=self.password_hash,
                sort_order=index * 10 + order + 1,
                note=None,
            )
            if index > 0:
                row["note"] = f"{district}纪检监察组"
            ids.append(row["id"])
            names.append(name)
        group = _Group(index, district, ids[0], names[0], ids[1], names[1])
        self.groups.append(group)
        for order, tpl in enumerate(templates):
            self._build_unit(group, tpl, index * 100 + order + 1, force_rare=index == 0 and order == 0)
        return group

    def _build_unit(self, group: _Group, tpl: _UnitTemplate, sort_order: int, *, force_rare: bool) -> None:
        short = ("区" if group.index == 0 else group.district) + tpl.short
        full = group.district + tpl.name
        if tpl.name.startswith("委"):
            party_org = f"中共{full}机关支部委员会"
            discipline = None
        elif tpl.unit_type == UnitType.AGENCY:
            party_org = f"中共{full}党组"
            discipline = f"{full}机关纪委"
        elif tpl.unit_type == UnitType.INSTITUTION and tpl.top.startswith("党支部"):
            party_org = f"中共{full}支部委员会"
            discipline = None
        else:
            party_org = f"中共{full}委员会"
            discipline = f"{full}纪委" if tpl.unit_type != UnitType.PARTY_COMMITTEE else f"{full}机关纪委"
        row = self._record("units", datetime(self.year, 1, 2, 9, 0), group.chief_id)
        unit = _Unit(row["id"], full, short, tpl, group)
        group.units.append(unit)
        self._build_cadres(unit, force_rare=force_rare)
        top = next(c for c in unit.cadres if c.is_top)
        liaison = next((c for c in unit.cadres if c.is_head), unit.cadres[-1])
        unit.liaison = liaison.name
        row.update(
            full_name=full,
            short_name=short,
            unit_type=tpl.unit_type,
            party_org_name=party_org,
            head_name=top.name,
            liaison_name=liaison.name,
            liaison_phone=self._phone(),
            discipline_committee=discipline,
            sort_order=sort_order,
            in_scope=True,
            note="综合监督单位" if group.index == 0 else None,
        )

    def _build_cadres(self, unit: _Unit, *, force_rare: bool) -> None:
        rng = self.rng
        tpl = unit.tpl
        head_word = "主任" if "主任" in tpl.top else "局长" if "局长" in tpl.top else "院长"
        slots: list[
            tuple[str, CadreRank, bool, bool, bool, str | None]
        ] = []  # post, rank, leader, top, head, dept
        slots.append((tpl.top, CadreRank.DIVISION, True, True, False, None))
        for post in rng.sample(tpl.deputies, rng.randint(3, min(5, len(tpl.deputies)))):
            slots.append((post.format(head=head_word), CadreRank.DIVISION, True, False, False, None))
        if rng.random() < 0.3 or force_rare:
            slots.append(("二级巡视员", CadreRank.BUREAU, False, False, False, None))
        for _ in range(rng.randint(1, 2)):
            slots.append(
                (
                    rng.choice(("一级调研员", "二级调研员", "三级调研员")),
                    CadreRank.DIVISION,
                    False,
                    False,
                    False,
                    None,
                )
            )
        total = rng.randint(45, 65)
        enterprise = tpl.unit_type == UnitType.STATE_ENTERPRISE
        for dept in tpl.depts:
            if dept.endswith("部"):
                head, deputy = ("经理", "副经理") if enterprise else ("主任", "副主任")
            elif dept.endswith("科"):
                head, deputy = "科长", "副科长"
            elif dept.endswith("大队"):
                head, deputy = "大队长", "副大队长"
            else:
                head, deputy = "主任", "副主任"
            slots.append((dept + head, CadreRank.SECTION, False, False, True, dept))
            if rng.random() < 0.6:
                slots.append((dept + deputy, CadreRank.SECTION, False, False, False, dept))
        while len(slots) < total:
            dept = rng.choice(tpl.depts)
            if rng.random() < 0.3:
                post = dept + rng.choice(("一级主任科员", "二级主任科员", "三级主任科员", "四级主任科员"))
                if enterprise:
                    post = dept + "主管"
                slots.append((post, CadreRank.SECTION, False, False, False, dept))
            else:
                post = dept + (
                    rng.choice(("职员", "专员")) if enterprise else rng.choice(("一级科员", "科员", "科员"))
                )
                slots.append((post, CadreRank.STAFF, False, False, False, dept))
        for i, (post, rank, leader, top, is_head, _dept) in enumerate(slots):
            self._cadre(unit, post, rank, leader, top, is_head, rare=force_rare and i == 2)

    def _cadre(
        self, unit: _Unit, post: str, rank: CadreRank, leader: bool, top: bool, head: bool, *, rare: bool
    ) -> None:
        rng = self.rng
        senior = rank in (CadreRank.BUREAU, CadreRank.DIVISION)
        gender = Gender.MALE if rng.random() < (0.78 if senior else 0.55) else Gender.FEMALE
        surname, name = self._person(gender, rare=rare)
        if rank == CadreRank.BUREAU:
            birth = self._birth(59, 52)
        elif top:
            birth = self._birth(58, 46)
        elif senior:
            birth = self._birth(58, 40)
        elif head:
            birth = self._birth(56, 32)
        elif rank == CadreRank.SECTION:
            birth = self._birth(56, 28)
        else:
            birth = self._birth(45, 23)
        age = self.year - birth.year
        area, place = rng.choice(_AREAS)
        party = senior or head or rng.random() < 0.7
        political = "中共党员" if party else rng.choice(_OTHER_POLITICAL)
        work_start = _month_add(date(birth.year + rng.randint(21, 24), 7, 1), rng.randint(0, 3))
        work_start = min(work_start, self.jan1 - timedelta(days=30))
        party_join = None
        if political == "中共党员":
            party_join = self._day(_month_add(birth, 12 * 19), min(_month_add(birth, 12 * 35), self.jan1))
        years_in_post = rng.randint(0, min(10, max(0, age - 24)))
        post_start = self._day(
            date(self.year - years_in_post - 1, 1, 1), date(self.year - years_in_post, 12, 28)
        )
        post_start = min(max(post_start, work_start), self.today)
        status = CadreStatus.SERVING
        note = None
        if not leader and rng.random() < 0.04:
            if age >= 57:
                status = CadreStatus.RETIRED
                note = f"{self.year}年退休"
            else:
                status = CadreStatus.TRANSFERRED
                note = "已调离，档案保留"
        when = self._ts(self._day(self.jan1, min(self.today, self.jan1 + timedelta(days=20))))
        row = self._record("cadres", when, unit.group.staff_id)
        file_updated = self._in_year() if rng.random() < 0.85 else None
        if file_updated is not None and file_updated > when.date():
            row["updated_at"] = self._ts(file_updated)
        row.update(
            name=name,
            gender=gender,
            ethnicity=rng.choice(_ETHNICITIES),
            birth_date=birth,
            native_place=place,
            political_status=political,
            party_join_date=party_join,
            work_start_date=work_start,
            education=rng.choice(_EDUCATIONS_LEADER if senior else _EDUCATIONS),
            unit_id=unit.id,
            position=post,
            rank=rank,
            is_leader=leader,
            is_top_leader=top,
            position_start_date=post_start,
            id_number=self._id_number(birth, gender, area) if rng.random() < 0.4 else None,
            phone=self._phone() if rng.random() < 0.9 else None,
            status=status,
            file_updated_on=file_updated,
            note=note,
        )
        cadre = _Cadre(
            row["id"],
            unit,
            surname,
            name,
            gender,
            birth,
            rank,
            leader,
            top,
            head,
            post,
            status == CadreStatus.SERVING,
        )
        unit.cadres.append(cadre)

    # --- dossier sections --------------------------------------------------------------------

    def family(self, group: _Group) -> None:
        rng = self.rng
        for unit in group.units:
            for c in unit.cadres:
                when = self._ts(self._in_year())
                age = self.year - c.birth.year
                spouse_surname: str | None = None
                if age >= 26 and rng.random() < 0.9:
                    g = Gender.FEMALE if c.gender == Gender.MALE else Gender.MALE
                    spouse_surname, name = self._person(g)
                    birth = self._years_from(c.birth, -5, 4)
                    self._relative(c, when, "配偶", name, birth, adult=True)
                if age >= 29:
                    father_surname = c.surname if c.gender == Gender.MALE else (spouse_surname or c.surname)
                    for _ in range(rng.choice((0, 1, 1, 1, 2, 2))):
                        g = rng.choice((Gender.MALE, Gender.FEMALE))
                        _, name = self._person(g, surname=father_surname)
                        birth = self._years_from(c.birth, 24, 36)
                        if birth >= self.today:
                            continue
                        self._relative(
                            c,
                            when,
                            "儿子" if g == Gender.MALE else "女儿",
                            name,
                            birth,
                            adult=self.year - birth.year >= 22,
                        )
                alive = 0.85 if age < 45 else 0.6 if age < 55 else 0.35
                if rng.random() < alive:
                    _, name = self._person(Gender.MALE, surname=c.surname)
                    self._relative(
                        c,
                        when,
                        "父亲",
                        name,
                        self._years_from(c.birth, -33, -23),
                        adult=True,
                        elder=True,
                    )
                if rng.random() < alive + 0.08:
                    _, name = self._person(Gender.FEMALE)
                    self._relative(
                        c,
                        when,
                        "母亲",
                        name,
                        self._years_from(c.birth, -31, -21),
                        adult=True,
                        elder=True,
                    )
                if spouse_surname is not None:
                    in_law_alive = alive * 0.8
                    if rng.random() < in_law_alive:
                        _, name = self._person(Gender.MALE, surname=spouse_surname)
                        rel = "岳父" if c.gender == Gender.MALE else "公公"
                        birth = self._years_from(c.birth, -34, -22)
                        self._relative(c, when, rel, name, birth, adult=True, elder=True)
                    if rng.random() < in_law_alive:
                        _, name = self._person(Gender.FEMALE)
                        rel = "岳母" if c.gender == Gender.MALE else "婆婆"
                        birth = self._years_from(c.birth, -32, -21)
                        self._relative(c, when, rel, name, birth, adult=True, elder=True)
                for _ in range(rng.choice((0, 1, 1, 2, 2))):
                    g = rng.choice((Gender.MALE, Gender.FEMALE))
                    _, name = self._person(g, surname=c.surname)
                    rel = (
                        ("哥哥" if g == Gender.MALE else "姐姐")
                        if rng.random() < 0.5
                        else ("弟弟" if g == Gender.MALE else "妹妹")
                    )
                    younger = rel in ("弟弟", "妹妹")
                    birth = self._years_from(c.birth, 1 if younger else -8, 8 if younger else -1)
                    if birth < self.today:
                        self._relative(c, when, rel, name, birth, adult=self.year - birth.year >= 22)

    def _relative(
        self,
        c: _Cadre,
        when: datetime,
        relation: str,
        name: str,
        birth: date,
        *,
        adult: bool,
        elder: bool = False,
    ) -> None:
        rng = self.rng
        runs_business = False
        business_note: str | None = None
        position: str | None
        workplace: str | None
        age = self.year - birth.year
        if not adult:
            if age < 3:
                workplace, position = None, None
            elif age < 6:
                workplace, position = "区机关幼儿园", None
            else:
                workplace = "区实验小学" if age < 12 else "区第一中学" if age < 18 else "在读大学"
                position = "学生"
            political = "群众" if age < 14 else "共青团员"
        elif elder and age >= 62:
            workplace, position = rng.choice((("已退休", None), ("已退休", None), ("务农", None)))
            political = "中共党员" if rng.random() < 0.3 else "群众"
        elif rng.random() < 0.02:
            tpl = rng.choice(_BUSINESSES)
            workplace = tpl[0].format(
                city=c.unit.group.district.rstrip("区") or "本区", word=rng.choice(_BUSINESS_WORDS)
            )
            position, business_note = tpl[1], tpl[2]
            runs_business = True
            political = "群众"
        else:
            workplace, position = rng.choice(_JOBS)
            political = "中共党员" if rng.random() < 0.4 else "群众"
        row = self._record("family_members", when, c.unit.group.staff_id)
        row.update(
            cadre_id=c.id,
            relation=relation,
            name=name,
            birth_date=birth,
            political_status=political,
            workplace=workplace,
            position=position,
            runs_business=runs_business,
            business_note=business_note,
            note=None,
        )

    def reports_and_risks(self, group: _Group) -> None:
        self.reports(group)
        self.risks(group)

    def cases_and_opinions(self, group: _Group) -> None:
        self.opinions(group, *self.discipline_and_clues(group))

    def reports(self, group: _Group) -> None:
        """个人有关事项报告 and 述责述廉 for the year, for leaders and 中层正职."""
        rng = self.rng
        for unit in group.units:
            for c in unit.cadres:
                if not c.serving:
                    continue
                senior = c.rank in (CadreRank.BUREAU, CadreRank.DIVISION)
                if senior or c.is_head:
                    d = self._workday(
                        min(date(self.year, 1, 15), self.today), min(date(self.year, 3, 31), self.today)
                    )
                    check = PersonalMattersCheck.NOT_CHECKED
                    check_note = None
                    if rng.random() < 0.25:
                        check = self._pick(
                            (
                                (PersonalMattersCheck.CONSISTENT, 90),
                                (PersonalMattersCheck.OMITTED, 9),
                                (PersonalMattersCheck.CONCEALED, 1),
                            )
                        )
                        check_note = _CHECK_NOTES.get(check)
                    row = self._record("personal_matters_reports", self._ts(d), group.staff_id)
                    row.update(
                        cadre_id=c.id,
                        year=self.year,
                        report_date=d,
                        check_result=check,
                        check_note=check_note,
                        note=None,
                    )
                if c.is_leader or c.is_head:
                    d = self._workday(
                        min(date(self.year, 1, 10), self.today), min(date(self.year, 2, 28), self.today)
                    )
                    rating = self._pick(
                        (
                            (DutyReportRating.GOOD, 70),
                            (DutyReportRating.FAIRLY_GOOD, 25),
                            (DutyReportRating.AVERAGE, 4),
                            (DutyReportRating.POOR, 1),
                        )
                    )
                    summary = (
                        f"围绕落实全面从严治党主体责任、履行“一岗双责”、廉洁自律等方面进行述责述廉，"
                        f"查摆问题{rng.randint(2, 6)}个，明确整改措施{rng.randint(3, 9)}条。"
                    )
                    row = self._record("duty_reports", self._ts(d), group.staff_id)
                    row.update(
                        cadre_id=c.id,
                        year=self.year,
                        report_date=d,
                        rating=rating,
                        summary=summary,
                        note="书面述责述廉" if not c.is_leader else None,
                    )

    def discipline_and_clues(self, group: _Group) -> tuple[list[_Cadre], list[_Cadre], list[_Cadre]]:
        """Sanctions (some from earlier years) and clues; returns (sanctioned long ago, recent, pending)."""
        rng = self.rng
        old: list[_Cadre] = []
        recent: list[_Cadre] = []
        pending: list[_Cadre] = []
        cadres = [c for u in group.units for c in u.cadres if c.serving]
        for i in range(rng.randint(2, 4)):
            c = rng.choice(cadres)
            category, measure, months, authority = rng.choice(
                (
                    (DisciplineCategory.PARTY_SANCTION, "警告", 6, "区纪委监委"),
                    (DisciplineCategory.PARTY_SANCTION, "严重警告", 12, "区纪委监委"),
                    (DisciplineCategory.GOVERNMENT_SANCTION, "警告", 6, "区监委"),
                    (DisciplineCategory.GOVERNMENT_SANCTION, "记过", 12, "区监委"),
                    (DisciplineCategory.ORGANIZATIONAL, "调离岗位", 0, "区委组织部"),
                )
            )
            if i == 0:
                decided = self._day(date(self.year - 3, 1, 1), date(self.year - 2, 6, 30))
            else:
                decided = self._day(date(self.year - 1, 1, 1), self.today)
            end = _month_add(decided, months) if months else None
            (old if end is not None and end < self.today else recent).append(c)
            row = self._record("discipline_records", self._ts(decided), group.chief_id)
            row.update(
                cadre_id=c.id,
                category=category,
                measure=measure,
                decided_on=decided,
                effect_start=decided if months else None,
                effect_end=end,
                authority=authority,
                reason=rng.choice(
                    (
                        "违反中央八项规定精神，违规收受礼品礼金",
                        "违反工作纪律，履行监管职责不力",
                        "违反廉洁纪律，违规接受管理服务对象宴请",
                    )
                ),
                note=None,
            )
        for _ in range(rng.randint(22, 30)):
            unit = rng.choice(group.units)
            target = rng.choice(unit.cadres) if rng.random() < 0.8 else None
            received = self._in_year()
            source = self._pick(_CLUE_SOURCE_WEIGHTS)
            text = rng.choice(_CLUE_SUMMARIES).format(
                post=target.position if target else "某工作人员", proj=rng.choice(_PROJECTS)
            )
            age = (self.today - received).days
            if age < 15 or rng.random() < 0.1:
                disposal, disposed, result = ClueDisposal.PENDING, None, None
                if target is not None:
                    pending.append(target)
            else:
                disposal = self._pick(
                    (
                        (ClueDisposal.TALK_INQUIRY, 35),
                        (ClueDisposal.PRELIMINARY_CHECK, 25),
                        (ClueDisposal.SHELVED, 10),
                        (ClueDisposal.CLOSED, 30),
                    )
                )
                disposed = received + timedelta(days=rng.randint(10, min(60, age)))
                result = rng.choice(_CLUE_RESULTS[disposal])
            row = self._record("clues", self._ts(received), group.chief_id)
            row.update(
                cadre_id=target.id if target else None,
                unit_id=unit.id,
                received_on=received,
                source=source,
                summary=text,
                disposal=disposal,
                disposed_on=disposed,
                result=result,
                note="上级交办，按期报送处置结果" if source == ClueSource.ASSIGNED else None,
            )
        return old, recent, pending

    def opinions(self, group: _Group, old: list[_Cadre], recent: list[_Cadre], pending: list[_Cadre]) -> None:
        """党风廉政意见回复, in requests of one to four people."""
        rng = self.rng
        eligible = [c for u in group.units for c in u.cadres if c.serving and c.rank != CadreRank.STAFF]
        forced = list(OpinionConclusion) if group.index == 0 else []
        made = 0
        target = rng.randint(90, 110)
        while made < target:
            unit = rng.choice(group.units)
            reason = self._pick(_REASON_WEIGHTS)
            requester = rng.choice(_OPINION_REQUESTERS[reason]).format(
                unit=unit.full_name + _party_word(unit)
            )
            request = self._in_year()
            reply: date | None = min(self.today, request + timedelta(days=rng.randint(2, 7)))
            if (self.today - request).days < 3 and rng.random() < 0.5:
                reply = None
            self.opinion_batches += 1
            number = format_doc_number(
                DEFAULT_TEMPLATE, self.agency_code + "复", self.year, self.opinion_batches
            )
            pool = [c for c in eligible if c.unit is unit] or eligible
            for c in rng.sample(pool, min(len(pool), rng.choice((1, 1, 1, 2, 2, 3, 4)))):
                conclusion: OpinionConclusion | None = None
                who = c
                if reply is not None:
                    if forced:
                        conclusion = forced.pop(0)
                        source = {
                            OpinionConclusion.EXPIRED_NO_OBJECTION: old,
                            OpinionConclusion.CLOSED_NO_OBJECTION: old,
                            OpinionConclusion.PENDING_DEFERRED: pending,
                            OpinionConclusion.SUGGEST_DEFER: pending or recent,
                            OpinionConclusion.SUGGEST_NOT_USE: recent,
                        }.get(conclusion, [])
                        if source:
                            who = rng.choice(source)
                    else:
                        conclusion = self._pick(_CONCLUSION_WEIGHTS)
                row = self._record("integrity_opinions", self._ts(reply or request), group.chief_id)
                row.update(
                    cadre_id=who.id,
                    requesting_unit=requester,
                    reason=reason,
                    request_date=request,
                    reply_date=reply,
                    conclusion=conclusion,
                    doc_number=number if reply else None,
                    note=f"拟{reason.label}"
                    if reason in (OpinionReason.PROMOTION, OpinionReason.RANK_PROMOTION)
                    else None,
                )
                made += 1

    def risks(self, group: _Group) -> None:
        rng = self.rng
        for unit in group.units:
            heads = [c for c in unit.cadres if c.is_head]
            processes = [
                (
                    p,
                    f"{p}环节存在廉政风险，可能出现违规操作、利益输送等问题",
                    "建立健全内控制度，关键环节集体研究、全程留痕，纪检监察组定期抽查",
                )
                for p in unit.tpl.processes
            ]
            for process, description, measures in processes + rng.choices(_RISKS, k=rng.randint(12, 18)):
                head = rng.choice(heads) if heads and rng.random() < 0.4 else None
                row = self._record(
                    "risk_points",
                    self._ts(self._day(self.jan1, min(self.today, date(self.year, 3, 31)))),
                    group.staff_id,
                )
                row.update(
                    cadre_id=head.id if head else None,
                    unit_id=unit.id,
                    post=head.position if head else rng.choice(unit.tpl.depts),
                    process=process,
                    description=description,
                    level=self._pick(((RiskLevel.HIGH, 25), (RiskLevel.MEDIUM, 50), (RiskLevel.LOW, 25))),
                    measures=measures,
                    year=self.year,
                    note=None,
                )

    # --- talks and meetings --------------------------------------------------------------------

    def talks(self, group: _Group) -> None:
        rng = self.rng
        handled: list[tuple[_Cadre, date, FirstFormHandling]] = []
        for i in range(rng.randint(380, 440)):
            kind = self._pick(_TALK_WEIGHTS)
            if group.index == 0 and i < len(_TALK_WEIGHTS):
                kind = _TALK_WEIGHTS[i][0]
            unit = rng.choice(group.units)
            serving = [c for c in unit.cadres if c.serving]
            leaders = [c for c in serving if c.is_leader or c.is_head]
            if kind == TalkKind.SUMMONS:
                chosen = [next(c for c in serving if c.is_top)]
            elif kind == TalkKind.INTEGRITY:
                chosen = rng.sample(leaders if rng.random() < 0.7 else serving, rng.choice((1, 1, 2, 3, 3)))
            elif kind == TalkKind.PRE_APPOINTMENT:
                pool = [c for c in serving if c.rank != CadreRank.STAFF and not c.is_top]
                chosen = rng.sample(pool, rng.choice((1, 1, 2)))
            elif kind == TalkKind.HEART_TO_HEART:
                chosen = rng.sample(serving, rng.choice((1, 1, 1, 2)))
            else:
                chosen = [rng.choice(serving)]
            if group.index == 0 and i == 0:
                chosen = rng.sample(leaders, 3)
            day = self._in_year()
            senior = any(c.is_leader for c in chosen)
            talker, recorder = group.members if senior or rng.random() < 0.5 else group.members[::-1]
            start_h = rng.choice((9, 9, 10, 10, 11, 14, 15, 15, 16))
            start_m = rng.choice((0, 0, 15, 30, 30, 45))
            length = rng.choice((30, 40, 45, 60, 60, 90))
            reasons, summaries, responses = _TALK_TEXT[kind]
            handling: FirstFormHandling | None = None
            if kind == TalkKind.ADMONISHMENT:
                handling = FirstFormHandling.ADMONISHMENT
            elif kind == TalkKind.REMINDER and rng.random() < 0.25:
                handling = rng.choice(
                    (
                        FirstFormHandling.TALK_REMINDER,
                        FirstFormHandling.TALK_REMINDER,
                        FirstFormHandling.CRITICISM,
                    )
                )
            elif kind == TalkKind.WRITTEN_INQUIRY and rng.random() < 0.3:
                handling = FirstFormHandling.ORDERED_REVIEW
            location = rng.choice(
                ("纪检监察组谈话室", f"{unit.short}{rng.choice(_ROOMS)}", "区纪委监委谈话室")
            )
            row = self._record("talks", self._ts(day), talker)
            row.update(
                kind=kind,
                held_on=day,
                start_time=None,
                end_time=None,
                location=location,
                talker_id=talker,
                recorder_id=recorder,
                reason=rng.choice(reasons),
                summary=rng.choice(summaries),
                response=rng.choice(responses),
                follow_up=rng.choice(_TALK_FOLLOW_UPS),
                handling=handling,
                note=None,
            )
            start = datetime(2000, 1, 1, start_h, start_m)
            row["start_time"] = start.time()
            row["end_time"] = (start + timedelta(minutes=length)).time()
            for c in chosen:
                self.rows["talk_cadres"].append({"talk_id": row["id"], "cadre_id": c.id})
                if handling in (
                    FirstFormHandling.CRITICISM,
                    FirstFormHandling.ORDERED_REVIEW,
                    FirstFormHandling.ADMONISHMENT,
                ):
                    handled.append((c, day, handling))
        for c, day, handling in handled:
            end = _month_add(day, 6) if handling == FirstFormHandling.ADMONISHMENT else None
            row = self._record("discipline_records", self._ts(day), group.chief_id)
            row.update(
                cadre_id=c.id,
                category=DisciplineCategory.FIRST_FORM,
                measure=handling.label,
                decided_on=day,
                effect_start=day if end else None,
                effect_end=end,
                authority="派驻纪检监察组",
                reason="运用监督执纪“第一种形态”处理",
                note=None,
            )

    def meetings(self, group: _Group) -> None:
        rng = self.rng
        for unit in group.units:
            counters: dict[MeetingType, int] = {}
            plan: list[tuple[MeetingType, date]] = []
            plan.append(
                (
                    MeetingType.DEMOCRATIC_LIFE,
                    self._workday(
                        min(date(self.year, 1, 10), self.today), min(date(self.year, 2, 28), self.today)
                    ),
                )
            )
            for _ in range(rng.randint(1, 2)):
                plan.append((MeetingType.ORGANIZATIONAL_LIFE, self._in_year()))
            for _ in range(rng.randint(24, 32)):
                plan.append((self._pick(_MEETING_WEIGHTS), self._in_year()))
            plan.sort(key=lambda p: p[1])
            leaders = [c for c in unit.cadres if c.serving and (c.is_leader or c.is_head)]
            for mtype, day in plan:
                counters[mtype] = n = counters.get(mtype, 0) + 1
                topics, major, title = self._agenda(unit, mtype, day, n)
                attendees = (
                    [group.chief_id, group.staff_id] if rng.random() < 0.3 else [rng.choice(group.members)]
                )
                row = self._record("meetings", self._ts(day), attendees[0])
                row.update(
                    unit_id=unit.id,
                    held_on=day,
                    meeting_type=mtype,
                    title=title,
                    topics="\n".join(topics),
                    major_topic_count=major,
                    location=unit.short + rng.choice(_ROOMS),
                    follow_up=rng.choice(_MEETING_FOLLOW_UPS),
                    note=None,
                )
                for member in attendees:
                    self.rows["meeting_attendees"].append({"meeting_id": row["id"], "member_id": member})
                for _ in range(rng.choice((1, 1, 2, 2, 3))):
                    cadre = rng.choice(leaders) if leaders and rng.random() < 0.3 else None
                    if cadre is not None:
                        content = rng.choice(_CADRE_OPINIONS).format(post=cadre.position)
                    else:
                        content = rng.choice(_OPINIONS)
                    age = (self.today - day).days
                    follow = (
                        OpinionFollowUp.PENDING
                        if age < 14
                        else self._pick(
                            (
                                (OpinionFollowUp.PENDING, 10),
                                (OpinionFollowUp.ADOPTED, 35),
                                (OpinionFollowUp.IMPLEMENTED, 50),
                                (OpinionFollowUp.NOT_ADOPTED, 5),
                            )
                        )
                    )
                    op = self._record("meeting_opinions", row["created_at"], attendees[0])
                    op.update(
                        meeting_id=row["id"],
                        content=content,
                        cadre_id=cadre.id if cadre else None,
                        follow_up=follow,
                        follow_up_note=rng.choice(_OPINION_NOTES[follow]),
                    )

    def _agenda(self, unit: _Unit, mtype: MeetingType, day: date, n: int) -> tuple[list[str], int, str]:
        rng = self.rng
        proj = rng.choice(_PROJECTS)
        major_topics = [t.format(proj=proj) for t in rng.sample(_MAJOR_TOPICS, 2)]
        if mtype == MeetingType.DEMOCRATIC_LIFE:
            return list(_LIFE_TOPICS), 0, f"{unit.short}领导班子{self.year - 1}年度民主生活会"
        if mtype == MeetingType.ORGANIZATIONAL_LIFE:
            return list(_LIFE_TOPICS[1:3]), 0, f"{unit.short}机关党支部组织生活会"
        if mtype == MeetingType.MAJOR_DECISION:
            topics = major_topics[: rng.randint(1, 2)]
            return topics, len(topics), f"{self.year}年第{n}次“三重一大”事项集体决策会议"
        if mtype == MeetingType.ADMINISTRATIVE:
            topics = [t.format(m=day.month) for t in rng.sample(_ADMIN_TOPICS, 2)]
            if rng.random() < 0.3:
                topics.append(major_topics[0])
            return topics, len(topics) - 2, f"{day.month}月份行政办公会"
        if mtype == MeetingType.SPECIAL_TOPIC:
            title, topic = rng.choice(_SPECIAL_TOPICS)
            return [topic], 0, title
        if mtype == MeetingType.OTHER:
            return ["党风廉政建设工作联络员例会"], 0, "党风廉政建设工作联络员例会"
        party = _party_word(unit)
        topics = [_PARTY_TOPICS[0], *rng.sample(_PARTY_TOPICS[1:], rng.randint(1, 2))]
        major = 0
        if rng.random() < 0.5:
            topics.append(major_topics[0])
            major = 1
        return topics, major, f"{unit.short}{party}{self.year}年第{n}次会议"

    # --- notices ----------------------------------------------------------------------------

    def notices(self, group: _Group) -> None:
        rng = self.rng
        per_kind = {
            NoticeKind.COPY_NOTICE: (24, 30),
            NoticeKind.REMINDER_LETTER: (16, 22),
            NoticeKind.PROMPT_LETTER: (12, 18),
            NoticeKind.PROPOSAL: (6, 9),
        }
        forced_scenarios = ["draft", "overdue", "due_soon", "fed_back", "rectified_late", "rectified"]
        for kind, (lo, hi) in per_kind.items():
            for i in range(rng.randint(lo, hi)):
                scenario = forced_scenarios[i] if group.index == 0 and i < len(forced_scenarios) else None
                self._notice(group, kind, scenario)
        self._holiday_notices(group)

    def _notice(self, group: _Group, kind: NoticeKind, scenario: str | None) -> None:
        rng = self.rng
        unit = rng.choice(group.units)
        serving = [c for c in unit.cadres if c.serving]
        cadre: _Cadre | None = None
        n = rng.randint(2, 12)
        proj = rng.choice(_PROJECTS)
        if kind == NoticeKind.COPY_NOTICE:
            short_issue, problems, requirements = rng.choice(_COPY_ISSUES)
            problems = problems.format(n=n, proj=proj, amount=rng.randint(20, 480))
            title = f"关于{unit.short}{short_issue}问题的廉情抄告单"
        elif kind == NoticeKind.REMINDER_LETTER:
            cadre = rng.choice([c for c in serving if c.is_leader or c.is_head] or serving)
            topic = rng.choice(_REMINDER_TOPICS)
            title = f"关于{topic}的廉政提醒函"
            problems = f"日常监督中发现，{cadre.position}分管领域在{topic}方面存在薄弱环节。"
            requirements = _REMINDER_REQUIREMENTS
        elif kind == NoticeKind.PROMPT_LETTER:
            topic, problems = rng.choice(_PROMPT_TOPICS)
            problems = problems.format(n=n)
            title = f"关于{topic}的提示函"
            requirements = (
                "请对照提示内容开展自查自纠，完善相关制度措施，并将自查整改情况按期反馈纪检监察组。"
            )
        else:
            area, problems, requirements = rng.choice(_PROPOSAL_AREAS)
            title = f"关于{unit.short}加强{area}的纪检监察建议书"
            requirements = f"建议：{requirements}请于收到本建议书之日起30日内将落实情况书面反馈。"
        days = 30 if kind == NoticeKind.PROPOSAL else rng.choice((15, 15, 20, 30))
        today = self.today
        issued: date | None
        deadline: date | None
        late = False
        if scenario is None:
            scenario = "draft" if rng.random() < 0.07 else "random"
        if scenario == "draft":
            issued, deadline, status = None, None, NoticeStatus.DRAFT
        elif scenario == "overdue":
            issued = self._workday(self.jan1, max(self.jan1, today - timedelta(days=days + 5)))
            deadline = issued + timedelta(days=days)
            if deadline >= today:
                deadline = issued + timedelta(days=max(1, (today - issued).days - 1))
            status = NoticeStatus.ISSUED
        elif scenario == "due_soon":
            deadline = today + timedelta(days=rng.randint(0, 6))
            issued = max(self.jan1, min(today, deadline - timedelta(days=days)))
            status = NoticeStatus.ISSUED
        else:
            if scenario == "random":
                issued = self._in_year()
            else:
                issued = self._workday(self.jan1, max(self.jan1, today - timedelta(days=days + 10)))
            deadline = issued + timedelta(days=days)
            if scenario == "fed_back":
                status = NoticeStatus.FED_BACK
            elif scenario in ("rectified", "rectified_late"):
                status = NoticeStatus.RECTIFIED
                late = scenario == "rectified_late"
            elif deadline < today:
                status = self._pick(
                    ((NoticeStatus.RECTIFIED, 60), (NoticeStatus.FED_BACK, 28), (NoticeStatus.ISSUED, 12))
                )
                late = rng.random() < 0.2
            else:
                status = self._pick(((NoticeStatus.ISSUED, 65), (NoticeStatus.FED_BACK, 35)))
        created = self._ts(issued or self._day(today - timedelta(days=10), today))
        row = self._record("alert_notices", created, group.chief_id)
        row.update(
            kind=kind,
            doc_year=None,
            doc_seq=None,
            doc_number=None,
            unit_id=unit.id,
            cadre_id=cadre.id if cadre else None,
            title=title,
            problems=problems,
            requirements=requirements,
            deadline=deadline,
            issued_on=issued,
            signatory=group.chief_name if issued else None,
            status=status,
            holiday=None,
            note=None,
        )
        self._feedback(row, unit, late=late)

    def _feedback(self, row: Row, unit: _Unit, *, late: bool) -> None:
        """Rectification rows for a notice that was fed back or rectified."""
        rng = self.rng
        status: NoticeStatus = row["status"]
        issued: date | None = row["issued_on"]
        deadline: date | None = row["deadline"]
        if status not in (NoticeStatus.FED_BACK, NoticeStatus.RECTIFIED) or issued is None:
            return
        first = issued + timedelta(days=1)
        if deadline is not None and late and deadline < self.today:
            lo, hi = deadline + timedelta(days=1), self.today
        else:
            hi = min(self.today, deadline) if deadline is not None else self.today
            lo = min(first, hi)
        steps = [RectificationStatus.IN_PROGRESS]
        if status == NoticeStatus.RECTIFIED:
            steps = (
                [RectificationStatus.DONE]
                if rng.random() < 0.6
                else [RectificationStatus.IN_PROGRESS, RectificationStatus.DONE]
            )
        day = self._day(lo, hi)
        last = day
        for i, step in enumerate(steps):
            if i:
                day = self._day(day, max(day, self.today))
            measures = rng.choice(_FEEDBACK_MEASURES[:-1]).format(n=rng.randint(2, 8))
            if row["holiday"]:
                measures = _FEEDBACK_MEASURES[-1]
            rect = self._record("rectifications", self._ts(day), row["created_by_id"])
            rect.update(
                notice_id=row["id"],
                feedback_date=day,
                measures=measures,
                handled_by=unit.liaison,
                status=step,
                note=None if step == RectificationStatus.IN_PROGRESS else "经核查，整改到位",
            )
            last = day
        row["updated_at"] = max(row["updated_at"], self._ts(last))

    def _holidays(self) -> list[tuple[str, date]]:
        y = self.year
        spring = {
            2024: (2, 10),
            2025: (1, 29),
            2026: (2, 17),
            2027: (2, 6),
            2028: (1, 26),
            2029: (2, 13),
            2030: (2, 3),
            2031: (1, 23),
            2032: (2, 11),
        }.get(y, (2, 5))
        dragon = {
            2024: (6, 10),
            2025: (5, 31),
            2026: (6, 19),
            2027: (6, 9),
            2028: (5, 28),
            2029: (6, 16),
            2030: (6, 5),
            2031: (6, 24),
            2032: (6, 12),
        }.get(y, (6, 10))
        autumn = {
            2024: (9, 17),
            2025: (10, 6),
            2026: (9, 25),
            2027: (9, 15),
            2028: (10, 3),
            2029: (9, 22),
            2030: (9, 12),
            2031: (10, 1),
            2032: (9, 19),
        }.get(y, (9, 20))
        return [
            ("春节", date(y, *spring)),
            ("清明", date(y, 4, 4)),
            ("五一", date(y, 5, 1)),
            ("端午", date(y, *dragon)),
            ("中秋国庆", min(date(y, *autumn), date(y, 10, 1))),
            ("元旦", date(y + 1, 1, 1)),
            (
                "春节",
                date(
                    y + 1,
                    *{
                        2025: (1, 29),
                        2026: (2, 17),
                        2027: (2, 6),
                        2028: (1, 26),
                        2029: (2, 13),
                        2030: (2, 3),
                        2031: (1, 23),
                        2032: (2, 11),
                        2033: (1, 31),
                    }.get(y + 1, (2, 5)),
                ),
            ),
        ]

    def _holiday_notices(self, group: _Group) -> None:
        """节前廉政提醒: one per unit per holiday; the next holiday's are still drafts."""
        rng = self.rng
        forced = (
            [NoticeStatus.ISSUED, NoticeStatus.FED_BACK, NoticeStatus.RECTIFIED] if group.index == 0 else []
        )
        upcoming_done = False
        for holiday, when in self._holidays():
            send = max(self.jan1, when - timedelta(days=7))
            while send.weekday() >= 5 and send > self.jan1:
                send -= timedelta(days=1)
            if send > self.today and upcoming_done:
                break
            draft = send > self.today
            upcoming_done = upcoming_done or draft
            year_label = when.year
            for unit in group.units:
                deadline = when + timedelta(days=10) if not draft else None
                status = NoticeStatus.DRAFT
                if not draft:
                    assert deadline is not None
                    if deadline < self.today:
                        status = (
                            forced.pop(0)
                            if forced
                            else self._pick(
                                (
                                    (NoticeStatus.FED_BACK, 60),
                                    (NoticeStatus.RECTIFIED, 25),
                                    (NoticeStatus.ISSUED, 15),
                                )
                            )
                        )
                    else:
                        status = self._pick(((NoticeStatus.ISSUED, 70), (NoticeStatus.FED_BACK, 30)))
                created = self._ts(
                    send if not draft else self._day(self.today - timedelta(days=5), self.today)
                )
                row = self._record("alert_notices", created, group.chief_id)
                row.update(
                    kind=NoticeKind.HOLIDAY_REMINDER,
                    doc_year=None,
                    doc_seq=None,
                    doc_number=None,
                    unit_id=unit.id,
                    cadre_id=None,
                    title=f"关于{year_label}年{holiday}期间严守廉洁纪律的提醒",
                    problems=None,
                    requirements=_HOLIDAY_REQUIREMENTS,
                    deadline=deadline,
                    issued_on=None if draft else send,
                    signatory=None if draft else group.chief_name,
                    status=status,
                    holiday=holiday,
                    note=None,
                )
                self._feedback(row, unit, late=rng.random() < 0.1)

    def number_notices(self) -> None:
        """Give every issued notice its 文号: per kind and year, in order of issue, no gaps."""
        by_kind: dict[NoticeKind, list[Row]] = {k: [] for k in NoticeKind if k != NoticeKind.HOLIDAY_REMINDER}
        by_kind[NoticeKind.HOLIDAY_REMINDER] = []
        for row in self.rows["alert_notices"]:
            if row["issued_on"] is not None:
                by_kind[row["kind"]].append(row)
        for kind, rows in by_kind.items():
            if not rows:
                continue
            rows.sort(key=lambda r: (r["issued_on"], r["id"]))
            planned = self.next_numbers[kind]
            seq = planned.seq - 1
            for row in rows:
                seq += 1
                row["doc_year"] = self.year
                row["doc_seq"] = seq
                row["doc_number"] = replace(planned, seq=seq).text(self.agency_code)
            self.doc_sequences[kind] = seq


# --- entry point ----------------------------------------------------------------------------


def _districts(rng: random.Random, n: int) -> list[str]:
    names = [a + b + "区" for a in _DISTRICT_FIRST for b in _DISTRICT_SECOND]
    rng.shuffle(names)
    return ["区", *names[: n - 1]]


def _templates_for(rng: random.Random, index: int) -> list[_UnitTemplate]:
    if index == 0:
        return [_TEMPLATES[i] for i in _FIRST_GROUP]
    agencies = [t for t in _TEMPLATES if t.unit_type == UnitType.AGENCY]
    others = [t for t in _TEMPLATES if t.unit_type != UnitType.AGENCY]
    chosen = rng.sample(agencies, 4) + rng.sample(others, 2)
    rng.shuffle(chosen)
    return chosen


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _check_empty(session: Session) -> None:
    units = session.scalar(select(func.count()).select_from(Unit).where(Unit.deleted_at.is_(None))) or 0
    cadres = session.scalar(select(func.count()).select_from(Cadre).where(Cadre.deleted_at.is_(None))) or 0
    if units or cadres:
        raise UserError("数据库中已有数据，演示数据只能写入空数据库。")


#: Pending rows are written once this many have piled up, to keep memory flat at large scales.
FLUSH_ROWS = 40_000


def _flush(session: Session, gen: _Demo, counts: dict[str, int]) -> None:
    """Write every pending row, parents first, and forget them."""
    for name in TABLE_ORDER:
        pending = gen.rows[name]
        if not pending:
            continue
        columns = [c.name for c in _table(name).columns]
        for row in pending:
            if len(row) != len(columns):
                for col in columns:
                    row.setdefault(col, None)
        session.execute(insert(_table(name)), pending)
        counts[name] = counts.get(name, 0) + len(pending)
        gen.rows[name] = []


def _write_doc_sequences(session: Session, gen: _Demo) -> int:
    for kind, last_seq in gen.doc_sequences.items():
        notices.advance_sequence_in(session, kind, gen.year, last_seq)
    return len(gen.doc_sequences)


def _set_up_group(session: Session, seed: int) -> tuple[str, str | None]:
    """(the 机关代字 to number with, the demo members' password hash or None). A group not set up
    yet gets the demo name and 机关代字 (where still the defaults) and its demo members the demo
    password; a group already set up keeps all of its own."""
    if session.connection().exec_driver_sql(members.NEEDS_SETUP_SQL).first() is not None:
        return notices.agency_code_in(session), None
    if settings.get_in(session, "group.name") == settings.DEFAULTS["group.name"]:
        settings.store_in(session, "group.name", DEMO_GROUP_NAME)
    if is_placeholder(notices.agency_code_in(session)):
        settings.store_in(session, "group.agency_code", DEMO_AGENCY_CODE)
    # one hash for every demo member, its salt from the seed: the same seed gives the same file
    salt = hashlib.blake2b(f"wsjc-demo-{seed}".encode(), digest_size=16).digest()
    return notices.agency_code_in(session), auth.HASHER.hash(DEMO_PASSWORD, salt=salt)


def has_demo_logins(db_path: Path) -> bool:
    """Whether someone can log in to the file at ``db_path`` and everyone who can has the public
    :data:`DEMO_PASSWORD`: a demo file, whose login keeps nothing from anyone (so ``gui
    --screenshot`` may skip it). Plain read-only SQL; a file that cannot be read (missing,
    encrypted, not a database) is not one."""
    import sqlite3

    from argon2.exceptions import InvalidHashError, VerificationError

    path = Path(db_path)
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            sql = f"SELECT DISTINCT password_hash FROM members WHERE {members._CAN_LOG_IN}"
            hashes = [str(row[0]) for row in conn.execute(sql)]
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    try:  # the demo gives every member one hash: one check, however large the scale
        return bool(hashes) and all(auth.HASHER.verify(hashed, DEMO_PASSWORD) for hashed in hashes)
    except (VerificationError, InvalidHashError):
        return False


def generate_demo(
    db: Database,
    *,
    scale: int = 1,
    seed: int = 0,
    progress: Progress | None = None,
    today: date | None = None,
) -> dict[str, int]:
    """Write a year of realistic demo records into an empty database; returns rows written per table.

    ``scale`` (1–200) multiplies the volume: 6 units and about 300 cadres per step. Records are
    dated from 1 January of ``today``'s year (default: the real today) up to ``today``.
    """
    if isinstance(scale, bool) or not isinstance(scale, int) or not 1 <= scale <= MAX_SCALE:
        raise UserError(f"数据量倍数必须是 1 到 {MAX_SCALE} 之间的整数。", field="scale")
    today = today or date.today()
    rng = random.Random(seed)
    phases: list[Callable[[_Demo, _Group], None]] = [
        _Demo.family,
        _Demo.reports_and_risks,
        _Demo.cases_and_opinions,
        _Demo.talks,
        _Demo.meetings,
        _Demo.notices,
    ]
    total = (len(phases) + 1) * scale + 3
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    if progress is not None:
        progress(0, total)
    counts: dict[str, int] = {name: 0 for name in TABLE_ORDER}
    with db.uow() as uow:
        session = uow.session
        _check_empty(session)
        next_ids = {
            name: (session.scalar(select(func.max(_table(name).c.id))) or 0) + 1
            for name in TABLE_ORDER
            if "id" in _table(name).c
        }
        agency_code, password_hash = _set_up_group(session, seed)
        planned = {number.kind: number for number in notices.next_numbers_in(session, today.year)}
        for number in planned.values():  # a group set up earlier without its 机关代字: no X numbers
            refused = number.refusal(agency_code)
            if refused is not None:
                raise refused
        gen = _Demo(rng, today, next_ids, planned, agency_code, password_hash)
        districts = _districts(rng, scale)
        groups: list[_Group] = []
        for i in range(scale):
            groups.append(gen.build_group(i, districts[i], _templates_for(rng, i)))
            step()
        _flush(session, gen, counts)
        for phase in phases:
            numbering = phase is _Demo.notices  # notices are numbered once all are made
            for group in groups:
                phase(gen, group)
                if not numbering and sum(len(r) for r in gen.rows.values()) >= FLUSH_ROWS:
                    _flush(session, gen, counts)
                step()
            if numbering:
                gen.number_notices()
            _flush(session, gen, counts)
        counts["doc_sequences"] = _write_doc_sequences(session, gen)
        step()

        from wsjc_desktop.storage import search_index

        search_index.rebuild(session)
        step()
        uow.commit()
    step()
    return counts
