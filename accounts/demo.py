"""Deterministic, bilingual demo data for development: `python manage.py seed_demo`.

`demo_seed` builds our matrix organisation, the offering catalogue, pricing tiers, the demo
users, and N customer accounts with org charts, relationships, opportunities by tier and three
years of orders. The same seed and the same day give the same data. Everything is written
with `bulk_create` in a fixed number of statements per kind of row (trees level by level), so
2,000 accounts (half a million rows) load in under a minute.

Names, titles and descriptions below are demo *content*: data in the customer's language, not
interface text, so they are not translated.
"""

import datetime
import itertools
import random
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import (
    Account,
    AccountTeamMember,
    BusinessUnit,
    Contact,
    CustomerActivity,
    Interaction,
    GradeChange,
    IncentiveProgram,
    Industry,
    Offering,
    Opportunity,
    OpportunityMove,
    OrgChange,
    OrgUnit,
    PricingTier,
    Relationship,
    UnmetNeed,
    User,
)
from accounts.interactions import ACTIVITY_KINDS
from accounts.roles import Role
from accounts.services import account_revenue_refresh
from performance.models import Order

DEFAULT_SEED = 2026
DEFAULT_ACCOUNT_COUNT = 12
DEMO_PASSWORD = "kamdemo"
BATCH_SIZE = 1000

# ---------------------------------------------------------------------------------------------
# Our side: units, catalogue, grades, people
# ---------------------------------------------------------------------------------------------

VERTICAL_UNITS = {
    Industry.MANUFACTURING: ("제조사업본부 Manufacturing", "제조 고객 영업 · Sales to manufacturing customers"),
    Industry.FINANCE: ("금융사업본부 Finance", "금융 고객 영업 · Sales to banks, insurers and capital markets"),
    Industry.PUBLIC: ("공공사업본부 Public sector", "공공기관 영업 · Sales to public institutions"),
}
INDUSTRIES = tuple(VERTICAL_UNITS)

# key, name, description, parent key
HORIZONTAL_UNITS = (
    ("products", "제품사업본부 Products", "서버, 스토리지, 네트워크, 보안 장비 · Servers, storage, network and security", None),
    ("services", "서비스사업본부 Services", "유지보수, 운영, 컨설팅, 교육 · Maintenance, operations, consulting, training", None),
    ("solutions", "솔루션사업본부 Solutions", "산업별 토털 솔루션 · Industry total solutions", None),
    ("cloud", "클라우드사업부 Cloud", "클라우드 전환과 운영 · Cloud migration and operations", "solutions"),
)

# key, name, kind, owning unit, key-account special, 24/7, preferred industries (none: sold everywhere)
OFFERINGS = (
    ("edge", "NovaEdge X7 엣지 서버 Edge Server", "product", "products", False, False, ("manufacturing",)),
    ("storage", "NovaStore 올플래시 스토리지 All-flash Storage", "product", "products", False, False, ()),
    ("firewall", "SecureGate 차세대 방화벽 Next-gen Firewall", "product", "products", False, False, ("finance", "public")),
    ("network", "NetWave 캠퍼스 네트워크 Campus Network", "product", "products", False, False, ()),
    ("care", "프리미엄 케어 24/7 Premium Care", "service", "services", False, True, ()),
    ("managed", "매니지드 클라우드 운영 Managed Cloud Operations", "service", "cloud", False, True, ()),
    ("consulting", "IT 전략 컨설팅 IT Strategy Consulting", "service", "services", False, False, ()),
    ("resident", "상주 엔지니어 On-site Resident Engineers", "service", "services", True, True, ()),
    ("training", "기술 교육 Technical Training", "service", "services", False, False, ()),
    ("workshop", "KA 혁신 워크숍 Key Account Innovation Workshop", "service", "solutions", True, False, ()),
    ("mes", "스마트팩토리 MES Smart Factory MES", "solution", "solutions", False, False, ("manufacturing",)),
    ("corebank", "차세대 코어뱅킹 Next-gen Core Banking", "solution", "solutions", False, False, ("finance",)),
    ("egov", "전자정부 클라우드 e-Government Cloud", "solution", "cloud", False, True, ("public",)),
    ("analytics", "데이터 분석 플랫폼 Data Analytics Platform", "solution", "solutions", False, False, ()),
    ("soc", "통합 보안관제 Security Operations Center", "solution", "solutions", False, True, ("finance", "public")),
    ("outsourcing", "토털 IT 아웃소싱 Total IT Outsourcing", "solution", "services", True, True, ()),
)
OFFERING_DESCRIPTIONS = {
    "edge": "공장 현장용 견고형 서버 · Rugged servers for the shop floor",
    "storage": "미션 크리티컬 업무용 올플래시 스토리지 · All-flash storage for mission-critical workloads",
    "firewall": "망분리와 제로 트러스트를 위한 방화벽 · Firewalls for network separation and zero trust",
    "network": "유무선 캠퍼스 네트워크 · Wired and wireless campus networks",
    "care": "연중무휴 장애 대응과 예방 점검 · Round-the-clock incident response and preventive checks",
    "managed": "퍼블릭·프라이빗 클라우드 운영 대행 · Operation of public and private clouds on the customer's behalf",
    "consulting": "IT 중장기 전략과 로드맵 수립 · Mid/long-term IT strategy and roadmaps",
    "resident": "고객사 상주 엔지니어 운영 (가동률·투입률 관리) · Engineers on site, managed by utilisation and deployment",
    "training": "제품·기술 교육 과정 · Product and technology courses",
    "workshop": "핵심 어카운트 전용 숨겨진 니즈 발굴 워크숍 · Workshops that find unmet needs, for key accounts only",
    "mes": "생산 실행 시스템 구축과 운영 · Manufacturing execution systems, built and run",
    "corebank": "계정계 시스템 현대화 · Modernisation of core banking systems",
    "egov": "공공기관 전용 클라우드 전환 · Cloud migration for public institutions",
    "analytics": "데이터 수집·분석·시각화 플랫폼 · Platform to collect, analyse and visualise data",
    "soc": "24/7 보안관제 센터 서비스 · 24/7 security operations centre",
    "outsourcing": "인프라부터 운영까지 토털 솔루션 · Total solution from infrastructure to operations",
}

# name, rank, discount %, minimum annual purchases (KRW), privileges
PRICING_TIERS = (
    ("Premier", 1, "10.00", 5_000_000_000,
     "전담 KAM과 임원 스폰서 · Dedicated KAM and executive sponsor\n"
     "24/7 우선 지원, 4시간 내 현장 출동 · 24/7 priority support, on site within 4 hours\n"
     "연 2회 혁신 워크숍 무상 제공 · Two free innovation workshops a year"),
    ("Gold", 2, "7.00", 1_500_000_000,
     "전담 KAM · Dedicated KAM\n"
     "평일 우선 지원, 익일 현장 출동 · Priority support on workdays, on site next day\n"
     "신제품 파일럿 우선 참여 · First access to pilot programs"),
    ("Silver", 3, "3.00", 300_000_000,
     "어카운트 팀 지정 · Named account team\n"
     "분기별 기술 세미나 초대 · Quarterly technical seminars"),
)

# username, first name, last name, role, business unit key, job title
USERS = (
    ("admin", "지영", "한", Role.ADMIN, None, "시스템 관리자 System administrator"),
    ("exec", "태호", "정", Role.EXECUTIVE, None, "대표이사 CEO"),
    ("am", "서연", "김", Role.ACCOUNT_MANAGER, "manufacturing", "핵심 어카운트 매니저 Key account manager"),
    ("am2", "Daniel", "Kwon", Role.ACCOUNT_MANAGER, "finance", "Key account manager"),
    ("rep1", "준호", "이", Role.ACCOUNT_MANAGER, "manufacturing", "영업대표 Sales representative"),
    ("rep2", "Sophie", "Becker", Role.ACCOUNT_MANAGER, "finance", "Sales representative"),
    ("rep3", "유나", "최", Role.ACCOUNT_MANAGER, "public", "영업대표 Sales representative"),
    ("eng1", "현우", "박", Role.ACCOUNT_MANAGER, "services", "기술지원 엔지니어 Support engineer"),
    ("eng2", "Erik", "Lindqvist", Role.ACCOUNT_MANAGER, "solutions", "Solutions engineer"),
    ("vp1", "미경", "윤", Role.ACCOUNT_MANAGER, "solutions", "전무 · 임원 스폰서 Executive sponsor"),
)
DEMO_USERNAMES = tuple(row[0] for row in USERS)
SALES_REP_BY_INDUSTRY = {Industry.MANUFACTURING: "rep1", Industry.FINANCE: "rep2", Industry.PUBLIC: "rep3"}

# ---------------------------------------------------------------------------------------------
# Customer side: company names, org units, people, titles
# ---------------------------------------------------------------------------------------------

KOREAN_PREFIXES = (
    ("한빛", "Hanbit"), ("대성", "Daesung"), ("세진", "Sejin"), ("미래", "Mirae"), ("새한", "Saehan"),
    ("우림", "Woorim"), ("한결", "Hangyeol"), ("다온", "Daon"), ("청솔", "Cheongsol"), ("한울", "Hanul"),
    ("금강", "Geumgang"), ("백두", "Baekdu"), ("동방", "Dongbang"), ("서광", "Seogwang"), ("신흥", "Sinheung"),
    ("일진", "Iljin"), ("삼우", "Samwoo"), ("태양", "Taeyang"), ("푸른", "Pureun"), ("가람", "Garam"),
    ("누리", "Nuri"), ("하늘", "Haneul"), ("으뜸", "Eutteum"), ("나래", "Narae"), ("솔빛", "Solbit"),
    ("해오름", "Haeoreum"), ("진성", "Jinsung"), ("화신", "Hwasin"), ("정우", "Jungwoo"), ("경인", "Gyeongin"),
    ("중앙", "Jungang"), ("광명", "Gwangmyeong"), ("태평", "Taepyeong"), ("보람", "Boram"), ("상록", "Sangnok"),
    ("은하", "Eunha"), ("초석", "Choseok"), ("한마음", "Hanmaeum"), ("온누리", "Onnuri"), ("새빛", "Saebit"),
    ("아름", "Areum"), ("동진", "Dongjin"), ("명성", "Myungsung"), ("성진", "Sungjin"), ("창성", "Changsung"),
    ("유성", "Yuseong"), ("백산", "Baeksan"), ("청운", "Cheongun"), ("한길", "Hangil"), ("세움", "Seum"),
    ("바른", "Bareun"), ("늘품", "Neulpum"), ("대원", "Daewon"), ("삼진", "Samjin"), ("영진", "Youngjin"),
    ("금성", "Geumsung"), ("신화", "Sinhwa"), ("두리", "Duri"), ("라온", "Raon"), ("이룸", "Irum"),
)
KOREAN_SUFFIXES = {
    Industry.MANUFACTURING: (
        ("전자", "Electronics"), ("정밀", "Precision"), ("화학", "Chemical"), ("중공업", "Heavy Industries"),
        ("모터스", "Motors"), ("반도체", "Semiconductor"), ("소재", "Materials"), ("산업", "Industrial"),
    ),
    Industry.FINANCE: (
        ("금융그룹", "Financial Group"), ("은행", "Bank"), ("캐피탈", "Capital"), ("증권", "Securities"),
        ("생명", "Life Insurance"), ("손해보험", "Fire & Marine Insurance"), ("카드", "Card"), ("저축은행", "Savings Bank"),
    ),
    Industry.PUBLIC: (
        ("시청", "City Hall"), ("교통공사", "Transit Corporation"), ("도시공사", "Urban Development Corporation"),
        ("시설관리공단", "Facilities Management Corporation"), ("의료원", "Medical Center"),
        ("문화재단", "Cultural Foundation"), ("정보화진흥원", "Digital Promotion Agency"), ("환경공단", "Environment Corporation"),
    ),
}
FOREIGN_ROOTS = (
    "Nordwind", "Alder", "Bluestone", "Castell", "Ridgeway", "Fjordline", "Meridian", "Halcyon", "Vantage",
    "Kestrel", "Northgate", "Silverline", "Oakhurst", "Brightwater", "Granite", "Helios", "Lumen", "Polaris",
    "Westbrook", "Ironbridge", "Sterling", "Aurora", "Cobalt", "Harbor", "Summit", "Tidewater", "Redwood",
    "Crestview", "Larkspur", "Maplestone", "Orion", "Pinecrest", "Quayside", "Rosemont", "Stonebridge",
    "Thornbury", "Upland", "Valemont", "Whitford", "Zephyr",
)
FOREIGN_SUFFIXES = {
    Industry.MANUFACTURING: (
        "Logistics Korea", "Automotive Korea", "Precision Korea", "Chemicals Korea", "Industrial Korea",
        "Robotics Korea",
    ),
    Industry.FINANCE: (
        "Capital Korea", "Bank Korea", "Insurance Korea", "Asset Management Korea", "Securities Korea",
        "Payments Korea",
    ),
    Industry.PUBLIC: (
        "Research Institute Korea", "Foundation Korea", "International School Seoul", "Global Campus Incheon",
        "Medical Center Seoul", "Science Park Korea",
    ),
}
# The names the docs and the tests' fixtures use come first, so the demo shows them too.
FIRST_ACCOUNT_NAMES = {
    (Industry.MANUFACTURING, True): "한빛전자",
    (Industry.FINANCE, True): "대성금융그룹",
    (Industry.MANUFACTURING, False): "Nordwind Logistics Korea",
}
# Only used when the combinations above run out (very large --accounts): a regional qualifier.
REGIONS = (
    ("서울", "Seoul"), ("부산", "Busan"), ("인천", "Incheon"), ("대구", "Daegu"), ("광주", "Gwangju"),
    ("대전", "Daejeon"), ("울산", "Ulsan"), ("세종", "Sejong"), ("수원", "Suwon"), ("창원", "Changwon"),
    ("청주", "Cheongju"), ("전주", "Jeonju"), ("포항", "Pohang"), ("제주", "Jeju"),
)

# (Korean, English, purchasing?, technical?)
Team = tuple[str, str, bool, bool]
# (Korean, English, teams); the first division of each industry holds the purchasing team.
Division = tuple[str, str, tuple[Team, ...]]
DIVISIONS: dict[str, tuple[Division, ...]] = {
    Industry.MANUFACTURING: (
        ("경영지원본부", "Corporate Services Division", (
            ("구매팀", "Procurement Team", True, False), ("재무팀", "Finance Team", False, False),
            ("인사팀", "HR Team", False, False), ("정보전략팀", "IT Strategy Team", False, True))),
        ("생산본부", "Manufacturing Division", (
            ("생산기술팀", "Production Engineering Team", False, True), ("품질관리팀", "Quality Control Team", False, False),
            ("설비보전팀", "Plant Maintenance Team", False, True))),
        ("연구개발본부", "R&D Division", (
            ("선행연구팀", "Advanced Research Team", False, True), ("제품개발팀", "Product Development Team", False, True))),
        ("영업마케팅본부", "Sales & Marketing Division", (
            ("국내영업팀", "Domestic Sales Team", False, False), ("해외영업팀", "Global Sales Team", False, False))),
        ("디지털혁신실", "Digital Transformation Office", (
            ("스마트팩토리TF", "Smart Factory Task Force", False, True), ("데이터분석팀", "Data Analytics Team", False, True))),
    ),
    Industry.FINANCE: (
        ("경영지원그룹", "Corporate Management Group", (
            ("구매·조달팀", "Procurement Team", True, False), ("재무기획팀", "Financial Planning Team", False, False),
            ("총무팀", "General Affairs Team", False, False))),
        ("IT본부", "IT Division", (
            ("IT인프라팀", "IT Infrastructure Team", False, True), ("차세대시스템팀", "Next-gen Systems Team", False, True),
            ("정보보호팀", "Information Security Team", False, True))),
        ("디지털금융본부", "Digital Banking Division", (
            ("디지털채널팀", "Digital Channels Team", False, True), ("데이터사업팀", "Data Business Team", False, False))),
        ("리스크관리본부", "Risk Management Division", (
            ("리스크관리팀", "Risk Management Team", False, False), ("준법감시팀", "Compliance Team", False, False))),
        ("영업본부", "Retail & Corporate Banking Division", (
            ("개인영업팀", "Retail Sales Team", False, False), ("기업영업팀", "Corporate Banking Team", False, False))),
    ),
    Industry.PUBLIC: (
        ("기획조정실", "Planning & Coordination Office", (
            ("계약팀", "Contracts Team", True, False), ("예산팀", "Budget Team", False, False),
            ("감사팀", "Audit Team", False, False))),
        ("디지털정책본부", "Digital Policy Division", (
            ("정보화기획팀", "IT Planning Team", False, True),
            ("정보시스템운영팀", "Information Systems Operations Team", False, True),
            ("정보보안팀", "Cyber Security Team", False, True))),
        ("시민서비스본부", "Citizen Services Division", (
            ("민원서비스팀", "Civil Services Team", False, False), ("시민소통팀", "Public Communication Team", False, False))),
        ("시설운영본부", "Facilities Operations Division", (
            ("시설관리팀", "Facilities Team", False, True), ("안전관리팀", "Safety Management Team", False, False))),
        ("연구본부", "Research Division", (
            ("정책연구팀", "Policy Research Team", False, False), ("데이터센터", "Data Center Team", False, True))),
    ),
}
TOP_UNIT = {
    Industry.MANUFACTURING: ("대표이사실", "Office of the CEO"),
    Industry.FINANCE: ("대표이사실", "Office of the CEO"),
    Industry.PUBLIC: ("기관장실", "Office of the President"),
}

# Titles as (Korean, English); the second pair of a promotion is the title held before.
CEO_TITLE = {
    Industry.MANUFACTURING: ("대표이사", "CEO"),
    Industry.FINANCE: ("대표이사", "CEO"),
    Industry.PUBLIC: ("이사장", "President"),
}
DIVISION_HEAD_TITLES = (("부사장", "Executive Vice President"), ("전무", "Senior Vice President"), ("상무", "Vice President"))
PUBLIC_DIVISION_HEAD_TITLE = ("본부장", "Division Director")
PREVIOUS_TITLE = {
    "부사장": "전무", "전무": "상무", "상무": "이사", "팀장": "부장",
    "Executive Vice President": "Senior Vice President", "Senior Vice President": "Vice President",
    "Vice President": "Director", "Team Lead": "Senior Manager",
}
INFLUENCE_BY_LEVEL = {Contact.Level.EXECUTIVE: (4, 5), Contact.Level.MANAGER: (2, 4), Contact.Level.STAFF: (1, 3)}
CHIEF_OF_STAFF_TITLE = ("비서실장", "Chief of Staff")
TEAM_LEAD_TITLE = ("팀장", "Team Lead")
TEAM_MANAGER_TITLES = (("부장", "Senior Manager"), ("차장", "Manager"))
STAFF_TITLES = (("과장", "Specialist"), ("대리", "Associate"), ("주임", "Analyst"), ("사원", "Coordinator"))

KOREAN_SURNAMES = (
    ("김", "kim", 21), ("이", "lee", 15), ("박", "park", 8), ("최", "choi", 5), ("정", "jung", 4),
    ("강", "kang", 2), ("조", "cho", 2), ("윤", "yoon", 2), ("장", "jang", 2), ("임", "lim", 2),
    ("한", "han", 1), ("오", "oh", 1), ("서", "seo", 1), ("신", "shin", 1), ("권", "kwon", 1),
    ("황", "hwang", 1), ("안", "ahn", 1), ("송", "song", 1), ("류", "ryu", 1), ("홍", "hong", 1),
)
KOREAN_GIVEN_NAMES = (
    ("민준", "minjun"), ("서연", "seoyeon"), ("지훈", "jihoon"), ("지우", "jiwoo"), ("도윤", "doyoon"),
    ("하은", "haeun"), ("예준", "yejun"), ("서윤", "seoyoon"), ("시우", "siwoo"), ("지민", "jimin"),
    ("현우", "hyunwoo"), ("수빈", "subin"), ("준서", "junseo"), ("지현", "jihyun"), ("건우", "gunwoo"),
    ("유진", "yujin"), ("우진", "woojin"), ("민서", "minseo"), ("선우", "sunwoo"), ("채원", "chaewon"),
    ("영수", "youngsoo"), ("정희", "junghee"), ("성민", "sungmin"), ("경호", "kyungho"), ("상철", "sangchul"),
    ("미경", "mikyung"), ("동현", "donghyun"), ("은지", "eunji"), ("재원", "jaewon"), ("혜진", "hyejin"),
    ("태호", "taeho"), ("소영", "soyoung"), ("승현", "seunghyun"), ("나연", "nayeon"), ("준호", "junho"),
    ("수진", "sujin"), ("영호", "youngho"), ("미영", "miyoung"), ("진우", "jinwoo"), ("다은", "daeun"),
    ("기현", "kihyun"), ("윤서", "yoonseo"), ("종민", "jongmin"), ("혜원", "hyewon"), ("상우", "sangwoo"),
    ("예린", "yerin"), ("형준", "hyungjun"), ("지영", "jiyoung"), ("재혁", "jaehyuk"), ("보라", "bora"),
)
ENGLISH_FIRST_NAMES = (
    "James", "Emily", "Oliver", "Sophie", "Daniel", "Charlotte", "Lukas", "Anna", "Matteo", "Clara", "Henrik",
    "Ingrid", "Thomas", "Laura", "Michael", "Sarah", "David", "Julia", "Jonas", "Emma", "Pierre", "Camille",
    "Marco", "Elena", "Sebastian", "Hannah", "Robert", "Olivia", "William", "Grace", "Erik", "Freya", "Noah",
    "Mia", "Samuel", "Chloe", "Andrew", "Lucy", "Felix", "Nora", "Jenny", "Brian",
)
ENGLISH_LAST_NAMES = (
    "Andersen", "Becker", "Clarke", "Dubois", "Eriksen", "Fischer", "Garcia", "Hansen", "Jensen", "Keller",
    "Larsen", "Martin", "Nielsen", "Olsen", "Peters", "Rossi", "Schneider", "Taylor", "Vogel", "Walsh", "Weber",
    "Young", "Brown", "Lindqvist", "Moreau", "Novak", "Berg", "Costa", "Hughes", "Kim", "Park", "Lee",
)

# Opportunity names per industry: (Korean, English, related offering keys)
OPPORTUNITY_TEMPLATES = {
    Industry.MANUFACTURING: (
        ("스마트팩토리 MES 구축", "Smart factory MES rollout", ("mes", "edge", "consulting")),
        ("생산라인 엣지 서버 교체", "Edge server refresh for production lines", ("edge", "care")),
        ("품질 데이터 분석 플랫폼", "Quality data analytics platform", ("analytics", "storage")),
        ("공장 네트워크 고도화", "Plant network upgrade", ("network", "firewall")),
        ("ERP 인프라 클라우드 이전", "ERP infrastructure cloud migration", ("managed", "consulting")),
        ("보안관제 서비스 도입", "Managed security monitoring", ("soc", "firewall")),
        ("연구소 스토리지 증설", "R&D storage expansion", ("storage",)),
        ("IT 유지보수 갱신", "IT maintenance renewal", ("care",)),
        ("해외 법인 IT 표준화", "Global subsidiaries IT standardisation", ("outsourcing", "consulting")),
        ("상주 엔지니어 운영 계약", "Resident engineer operations contract", ("resident",)),
    ),
    Industry.FINANCE: (
        ("차세대 코어뱅킹 전환", "Next-generation core banking migration", ("corebank", "consulting")),
        ("재해복구센터 구축", "Disaster recovery site", ("storage", "managed")),
        ("디지털 채널 클라우드 전환", "Digital channels cloud migration", ("managed", "consulting")),
        ("망분리 보안 강화", "Network separation hardening", ("firewall", "network")),
        ("고객 데이터 분석 플랫폼", "Customer data analytics platform", ("analytics",)),
        ("콜센터 인프라 교체", "Contact centre infrastructure refresh", ("edge", "network")),
        ("스토리지 통합", "Storage consolidation", ("storage", "care")),
        ("24/7 IT 운영 아웃소싱", "24/7 IT operations outsourcing", ("outsourcing", "resident")),
        ("보안관제 계약 갱신", "SOC contract renewal", ("soc",)),
        ("임직원 IT 교육 프로그램", "Staff IT training programme", ("training", "workshop")),
    ),
    Industry.PUBLIC: (
        ("전자정부 클라우드 전환", "e-Government cloud migration", ("egov", "consulting")),
        ("스마트시티 통합플랫폼", "Smart city platform", ("analytics", "egov", "network")),
        ("민원 시스템 고도화", "Civil services system upgrade", ("egov", "managed")),
        ("정보보안 관제 사업", "Security monitoring programme", ("soc", "firewall")),
        ("데이터센터 노후장비 교체", "Data centre hardware refresh", ("edge", "storage")),
        ("공공데이터 개방 플랫폼", "Open data platform", ("analytics",)),
        ("재난안전 통신망 구축", "Disaster safety network", ("network",)),
        ("정보시스템 유지관리", "IT systems maintenance", ("care", "resident")),
        ("행정망 네트워크 고도화", "Administrative network upgrade", ("network", "firewall")),
        ("직원 디지털 역량 교육", "Staff digital skills training", ("training",)),
    ),
}
NAME_VARIANTS = (("", ""), ("", ""), (" 1단계", " phase 1"), (" 2단계", " phase 2"), (" 확장", " extension"))

STAGES = Opportunity.Stage
# stage, weight, tiers it sits in, probability range
STAGE_PLAN = (
    (STAGES.IDENTIFIED, 15, (3, 4, 4), (5, 15)),
    (STAGES.RFI, 12, (3, 3, 4), (15, 25)),
    (STAGES.RFQ, 12, (2, 3), (30, 40)),
    (STAGES.PROPOSAL, 13, (1, 2, 2), (45, 60)),
    (STAGES.NEGOTIATION, 10, (1, 1, 2), (65, 85)),
    (STAGES.WON, 25, (1,), (100, 100)),
    (STAGES.LOST, 13, (1, 2, 3), (0, 0)),
)
STAGE_ORDER = (STAGES.IDENTIFIED, STAGES.RFI, STAGES.RFQ, STAGES.PROPOSAL, STAGES.NEGOTIATION)
MOVE_NOTES = {
    STAGES.IDENTIFIED: ("티어 조정", "Tier adjusted"),
    STAGES.RFI: ("RFI 접수", "RFI received"),
    STAGES.RFQ: ("RFQ 접수", "RFQ received"),
    STAGES.PROPOSAL: ("제안서 제출", "Proposal submitted"),
    STAGES.NEGOTIATION: ("가격 협상 시작", "Price negotiation started"),
    STAGES.WON: ("계약 체결", "Contract signed"),
    STAGES.LOST: ("경쟁사 선정", "Competitor selected"),
}

# Orders by fiscal month (1 = first month of the customer's fiscal year): budgets are spent
# late in the year, quietly at its start.
SEASON = (0.70, 0.80, 1.05, 0.90, 0.95, 1.10, 0.90, 0.85, 1.05, 1.00, 1.15, 1.55)
# Annual revenue of an account at size quantile u (0 = largest): REVENUE_SCALE * (1 + 20 u) ** -1.8.
# Whatever the number of accounts, about a fifth to a quarter of them make 80 % of revenue and
# the largest buys a few hundred times what the smallest does.
REVENUE_SCALE = 90_000_000_000
PARETO_SPREAD = 20
PARETO_EXPONENT = 1.8


# Customer-experience activities: kind, (Korean, English) titles, days it lasts (0: one day).
# The last contact of each relationship: (kind, (Korean note, English note)).
INTERACTION_TEMPLATES = [
    (Interaction.Kind.MEETING, ("정기 미팅: 하반기 추진 과제 점검", "Regular meeting: second-half priorities")),
    (Interaction.Kind.CALL, ("전화: 견적 일정 확인", "Call: quotation schedule")),
    (Interaction.Kind.VISIT, ("현장 방문: 운영 현황 청취", "Site visit: listened to operations")),
    (Interaction.Kind.DINNER, ("저녁 식사: 내년 투자 방향 의견 교환", "Dinner: next year's investment plans")),
    (Interaction.Kind.EMAIL, ("메일: 제안서 후속 질의 응답", "E-mail thread: follow-up questions on the proposal")),
]
ACTIVITY_TEMPLATES = (
    (CustomerActivity.Kind.WORKSHOP, ("숨겨진 니즈 발굴 워크숍", "Unmet-needs discovery workshop"), 1),
    (CustomerActivity.Kind.WORKSHOP, ("IT 로드맵 공동 수립 워크숍", "Joint IT roadmap workshop"), 0),
    (CustomerActivity.Kind.SEMINAR, ("클라우드 전환 세미나", "Cloud migration seminar"), 0),
    (CustomerActivity.Kind.SEMINAR, ("보안 트렌드 조찬 세미나", "Security trends breakfast seminar"), 0),
    (CustomerActivity.Kind.TRAINING, ("운영자 기술 교육", "Operator technical training"), 2),
    (CustomerActivity.Kind.TRAINING, ("신제품 핸즈온 교육", "Hands-on training on the new release"), 1),
    (CustomerActivity.Kind.PILOT, ("데이터 분석 플랫폼 파일럿", "Data analytics platform pilot"), 45),
    (CustomerActivity.Kind.PILOT, ("엣지 서버 현장 파일럿", "Edge server field pilot"), 30),
    (CustomerActivity.Kind.CONFERENCE, ("고객 초청 기술 컨퍼런스", "Customer technology conference"), 1),
)
INCIDENTS = (
    ("스토리지 응답 지연", "Storage latency spike"),
    ("방화벽 정책 오류로 접속 장애", "Access outage after a firewall rule change"),
    ("야간 배치 작업 실패", "Night batch job failed"),
    ("네트워크 스위치 이중화 장애", "Network switch failover did not trigger"),
    ("백업 복구 시간 초과", "Backup restore ran over its window"),
)
ACTIVITY_NOTES = (
    ("참석자 반응 좋음. 후속 미팅 요청.", "Good reception; a follow-up meeting was requested."),
    ("예산 시기와 의사결정 라인 확인.", "Confirmed budget timing and who signs off."),
    ("경쟁사 제안 내용 일부 파악.", "Learned part of the competitor's proposal."),
    ("", ""),
)
GRADE_REASONS = {
    "up": ("연간 구매액 증가로 상향", "Annual purchases grew: upgraded"),
    "down": ("구매액 감소로 하향 조정", "Purchases fell: downgraded"),
    "new": ("최초 등급 부여", "First grade given"),
}
UNMET_NEED_NOTES = (
    ("현업에서 실시간 대시보드 요구, 현재 엑셀로 수작업", "Wants live dashboards; reports are built by hand in Excel today"),
    ("야간·주말 장애 대응 인력 부족 호소", "Short of people for night and weekend incidents"),
    ("노후 장비 교체 예산 확보했으나 공급사 미정", "Budget for replacing old hardware secured, supplier not chosen"),
    ("클라우드 비용 관리 방안 고민 중", "Looking for a way to control cloud costs"),
    ("신규 직원 교육 체계 없음", "No training path for new staff"),
    ("보안 감사 지적사항 대응 필요", "Must fix findings of the last security audit"),
)


@dataclass
class DemoSummary:
    accounts: int = 0
    contacts: int = 0
    opportunities: int = 0
    orders: int = 0
    activities: int = 0


@dataclass
class _AccountSpec:
    """What is decided about an account before anything is written."""

    account: Account
    industry: str
    korean: bool
    domain: str
    annual_revenue: float
    size: float  # 1.0 for the largest account, towards 0 for the smallest
    growth: float
    team: dict[str, str] = field(default_factory=dict)  # role -> username
    units: list[OrgUnit] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)


def demo_data_exists() -> bool:
    """Is there anything `demo_seed` would collide with: accounts, our units, catalogue, grades or demo users?"""
    return (
        Account.objects.exists()
        or BusinessUnit.objects.exists()
        or Offering.objects.exists()
        or PricingTier.objects.exists()
        or User.objects.filter(username__in=DEMO_USERNAMES).exists()
    )


@transaction.atomic
def demo_flush() -> None:
    """Delete every account with all it holds, orders, offerings, grades, business units and the demo users.

    Children go before parents, so that each delete finds nothing left to cascade to; trees with
    PROTECT parents are cut first. Rows the collector must still load come with their pk only.
    """
    Order.objects.all().delete()
    Interaction.our_attendees.through.objects.all().delete()
    Interaction.their_attendees.through.objects.all().delete()
    Interaction.objects.all().delete()
    CustomerActivity.contacts.through.objects.all().delete()
    CustomerActivity.our_people.through.objects.all().delete()
    CustomerActivity.objects.all().delete()
    GradeChange.objects.all().delete()
    UnmetNeed.objects.all().delete()
    OpportunityMove.objects.all().delete()
    Opportunity.offerings.through.objects.all().delete()
    Opportunity.objects.only("pk").delete()
    Relationship.objects.all().delete()
    OrgChange.objects.all().delete()
    AccountTeamMember.objects.all().delete()
    Contact.objects.update(reports_to=None)
    Contact.objects.only("pk").delete()
    OrgUnit.objects.update(parent=None)
    OrgUnit.objects.only("pk").delete()
    IncentiveProgram.objects.all().delete()
    Account.objects.update(parent=None)
    Account.objects.all().delete()
    Account.history.all().delete()
    Offering.objects.all().delete()
    PricingTier.objects.all().delete()
    User.objects.filter(username__in=DEMO_USERNAMES).delete()
    BusinessUnit.objects.update(parent=None)
    BusinessUnit.objects.all().delete()


def demo_seed(
    *, account_count: int = DEFAULT_ACCOUNT_COUNT, seed: int = DEFAULT_SEED, today: datetime.date | None = None
) -> DemoSummary:
    """Write the demo data set into an empty database and return what was made.

    Deterministic: the same `seed`, `account_count` and `today` give the same rows.
    """
    if account_count < 1:
        raise ValueError("account_count must be at least 1")
    today = today or timezone.localdate()
    with transaction.atomic():
        summary = _DemoBuilder(rng=random.Random(seed), today=today).build(account_count)
        account_revenue_refresh(as_of=today)
    return summary


def _bulk(model, objs: list) -> list:
    return model.objects.bulk_create(objs, batch_size=BATCH_SIZE)


def _bulk_attendees(rows: list[tuple[Interaction, list[User] | User, list[Contact] | Contact]]) -> None:
    """The attendees of interactions already created, on both sides, in two bulk inserts."""
    Ours, Theirs = Interaction.our_attendees.through, Interaction.their_attendees.through

    def many(value) -> list:
        return value if isinstance(value, list) else [value]

    _bulk(Ours, [Ours(interaction_id=row.pk, user_id=user.pk) for row, users, _c in rows for user in many(users)])
    _bulk(Theirs, [
        Theirs(interaction_id=row.pk, contact_id=contact.pk) for row, _u, contacts in rows for contact in many(contacts)
    ])


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class _DemoBuilder:
    def __init__(self, *, rng: random.Random, today: datetime.date) -> None:
        self.rng = rng
        self.today = today
        self.units: dict[str, BusinessUnit] = {}
        self.offerings: dict[str, Offering] = {}
        self.offering_affinity: dict[str, tuple[str, ...]] = {}
        self.tiers: list[PricingTier] = []
        self.users: dict[str, User] = {}
        self.surname_weights = [weight for _ko, _rom, weight in KOREAN_SURNAMES]
        # (org unit, offering key) cells some opportunity already covers: unmet needs go elsewhere.
        self.covered_cells: set[tuple[int, str]] = set()

    # -- helpers -------------------------------------------------------------------------------

    def days_ago(self, low: int, high: int) -> datetime.date:
        return self.today - datetime.timedelta(days=self.rng.randint(low, high))

    def money(self, amount: float, step: int = 10_000) -> Decimal:
        return Decimal(max(step, int(round(amount / step)) * step))

    # -- our side -------------------------------------------------------------------------------

    def build(self, account_count: int) -> DemoSummary:
        self.build_our_organisation()
        self.build_users()
        specs = self.build_accounts(account_count)
        self.build_org_charts(specs)
        self.build_relationships_and_changes(specs)
        opportunities = self.build_opportunities(specs)
        orders = self.build_orders(specs)
        self.build_incentive_programs(specs)
        activities = self.build_activities(specs)
        self.build_grade_changes(specs)
        self.build_unmet_needs(specs)
        return DemoSummary(
            accounts=len(specs),
            contacts=sum(len(spec.contacts) for spec in specs),
            opportunities=opportunities,
            orders=orders,
            activities=activities,
        )

    def build_our_organisation(self) -> None:
        verticals = [
            BusinessUnit(name=name, kind=BusinessUnit.Kind.VERTICAL, description=description)
            for name, description in VERTICAL_UNITS.values()
        ]
        _bulk(BusinessUnit, verticals)
        self.units.update(zip(VERTICAL_UNITS, verticals, strict=True))
        for level_has_parent in (False, True):
            level = [
                (key, BusinessUnit(name=name, kind=BusinessUnit.Kind.HORIZONTAL, description=description,
                                   parent=self.units[parent] if parent else None))
                for key, name, description, parent in HORIZONTAL_UNITS
                if (parent is not None) == level_has_parent
            ]
            _bulk(BusinessUnit, [unit for _key, unit in level])
            self.units.update(level)

        offerings = []
        for key, name, kind, unit, special, support, affinity in OFFERINGS:
            offering = Offering(
                name=name, kind=kind, owner_unit=self.units[unit], is_key_account_special=special,
                has_24x7_support=support, description=OFFERING_DESCRIPTIONS[key],
            )
            self.offerings[key] = offering
            self.offering_affinity[key] = affinity
            offerings.append(offering)
        _bulk(Offering, offerings)

        self.tiers = _bulk(PricingTier, [
            PricingTier(name=name, rank=rank, discount_percent=Decimal(discount), min_annual_amount=Decimal(minimum),
                        privileges=privileges)
            for name, rank, discount, minimum, privileges in PRICING_TIERS
        ])

    def build_users(self) -> None:
        # Hashing is deliberately slow; every demo user shares one hash of the same password.
        password = make_password(DEMO_PASSWORD)
        users = []
        for username, first, last, role, unit, job_title in USERS:
            users.append(User(
                username=username, first_name=first, last_name=last, email=f"{username}@kam-demo.example",
                password=password, is_staff=role == Role.ADMIN, business_unit=self.units.get(unit) if unit else None,
                job_title=job_title,
            ))
        _bulk(User, users)
        self.users = {user.username: user for user in users}
        groups = {group.name: group for group in Group.objects.filter(name__in=Role.values)}
        missing = [name for name in Role.values if name not in groups]
        if missing:
            created = _bulk(Group, [Group(name=name) for name in missing])
            groups.update({group.name: group for group in created})
        Membership = User.groups.through
        _bulk(Membership, [
            Membership(user_id=self.users[username].pk, group_id=groups[role].pk)
            for username, _first, _last, role, _unit, _title in USERS
        ])

    # -- accounts -------------------------------------------------------------------------------

    def account_names(self, industry: str, korean: bool, count: int) -> list[tuple[str, str]]:
        """`count` distinct (name, English name) pairs; a regional qualifier, then a number, once combinations run out.

        Prefixes and suffixes are interleaved so that a handful of accounts of one industry do
        not all turn out to be banks: the first names drawn each have a different suffix.
        """
        if korean:
            prefixes, suffixes = list(KOREAN_PREFIXES), list(KOREAN_SUFFIXES[industry])
        else:
            prefixes, suffixes = [(root, root) for root in FOREIGN_ROOTS], [(s, s) for s in FOREIGN_SUFFIXES[industry]]
        self.rng.shuffle(prefixes)
        self.rng.shuffle(suffixes)
        # Pair (round r, suffix j) takes prefix (r + j * stride) mod P: for each suffix every prefix once.
        stride = len(prefixes) // len(suffixes)
        base = [
            (prefixes[(r + j * stride) % len(prefixes)], suffixes[j])
            for r in range(len(prefixes)) for j in range(len(suffixes))
        ]
        joiner = "" if korean else " "
        base = [(ko + joiner + suffix_ko, f"{en} {suffix_en}") for (ko, en), (suffix_ko, suffix_en) in base]
        anchor = FIRST_ACCOUNT_NAMES.get((industry, korean))
        if anchor is not None:
            base.insert(0, base.pop(next(i for i, (name, _english) in enumerate(base) if name == anchor)))

        def qualified():
            yield from base
            for region_ko, region_en in REGIONS:
                for name, english in base:
                    yield f"{name} ({region_ko if korean else region_en})", f"{english} ({region_en})"
            for number in itertools.count(2):
                for name, english in base:
                    yield f"{name} {number}", f"{english} {number}"

        return list(itertools.islice(qualified(), count))

    def build_accounts(self, count: int) -> list[_AccountSpec]:
        rng = self.rng
        size_rank = list(range(count))
        rng.shuffle(size_rank)
        fiscal_slot = list(range(count))
        rng.shuffle(fiscal_slot)
        team_slot = list(range(count))
        rng.shuffle(team_slot)

        # Decide industry and origin first, so names can be drawn per group without repeats.
        plan = [(INDUSTRIES[i % 3], (i // 3) % 3 != 2) for i in range(count)]
        pools = {}
        for industry in INDUSTRIES:
            for korean in (True, False):
                wanted = sum(1 for p in plan if p == (industry, korean))
                pools[industry, korean] = iter(self.account_names(industry, korean, wanted))

        specs = []
        public_seen = 0
        for i, (industry, korean) in enumerate(plan):
            name, english = next(pools[industry, korean])
            rank = size_rank[i]
            quantile = (rank + 0.5) / count
            annual = REVENUE_SCALE * (1 + PARETO_SPREAD * quantile) ** -PARETO_EXPONENT * rng.lognormvariate(0, 0.15)
            grade = next((tier for tier in self.tiers if annual >= tier.min_annual_amount), None)
            team_type = (
                Account.TeamType.SALES, Account.TeamType.SALES, Account.TeamType.OPERATIONS, Account.TeamType.MIXED
            )[team_slot[i] % 4]
            employees = int(300 + 20000 * (1 - rank / count) ** 3 * rng.random() + 200 * rng.random())
            account = Account(
                name=name,
                english_name=english if korean else "",
                industry=industry,
                vertical_unit=self.units[industry],
                is_key_account=rank < max(1, count // 3),
                grade=grade,
                fiscal_year_start_month=4 if fiscal_slot[i] % 6 == 5 else 1,
                currency="KRW",
                team_type=team_type,
                description=f"임직원 약 {employees:,}명" if korean else f"About {employees:,} employees in Korea",
            )
            if industry == Industry.MANUFACTURING:
                kam = "am"
            elif industry == Industry.FINANCE:
                kam = "am2"
            else:
                kam = ("am", "am2")[public_seen % 2]
                public_seen += 1
            sponsor = "exec" if account.is_key_account else "vp1"
            engineer = "eng1" if team_type != Account.TeamType.SALES else "eng2"
            specs.append(_AccountSpec(
                account=account, industry=industry, korean=korean,
                domain=_slug(english.removesuffix(" Korea")) + ".example",
                annual_revenue=annual, size=1 - rank / count, growth=rng.uniform(-0.05, 0.22),
                team={
                    AccountTeamMember.Role.KAM: kam,
                    AccountTeamMember.Role.SALES_REP: SALES_REP_BY_INDUSTRY[industry],
                    AccountTeamMember.Role.ENGINEER: engineer,
                    AccountTeamMember.Role.EXECUTIVE_SPONSOR: sponsor,
                },
            ))
        bulk_create_with_history(
            [spec.account for spec in specs], Account, batch_size=BATCH_SIZE, default_user=self.users["admin"],
        )
        _bulk(AccountTeamMember, [
            AccountTeamMember(account=spec.account, user=self.users[username], role=role)
            for spec in specs for role, username in spec.team.items()
        ])
        return specs

    # -- org charts -------------------------------------------------------------------------------

    def person(self, korean: bool, taken: set[str]) -> tuple[str, str]:
        """A (name, e-mail local part) not yet used in this account."""
        rng = self.rng
        while True:
            if korean:
                surname, surname_rom, _weight = rng.choices(KOREAN_SURNAMES, weights=self.surname_weights)[0]
                given, given_rom = rng.choice(KOREAN_GIVEN_NAMES)
                name, local = surname + given, f"{given_rom}.{surname_rom}"
            else:
                first, last = rng.choice(ENGLISH_FIRST_NAMES), rng.choice(ENGLISH_LAST_NAMES)
                name, local = f"{first} {last}", f"{first}.{last}".lower()
            if name not in taken:
                taken.add(name)
                return name, local

    def build_org_charts(self, specs: list[_AccountSpec]) -> None:
        rng = self.rng
        unit_levels: list[list[OrgUnit]] = [[], [], []]
        contact_levels: list[list[Contact]] = [[] for _ in range(5)]
        for spec in specs:
            lang = 0 if spec.korean else 1
            contact_count = 15 + round(45 * (0.65 * spec.size + 0.35 * rng.random()))
            unit_count = min(8, 4 + int((contact_count - 15) / 12 + rng.random()))
            division_count = 2 if unit_count <= 5 else 3
            team_count = unit_count - 1 - division_count

            divisions_pool = DIVISIONS[spec.industry]
            chosen = [divisions_pool[0], *rng.sample(divisions_pool[1:], division_count - 1)]
            purchasing_team = next(team for team in chosen[0][2] if team[2])
            other_teams = [(division, team) for division in chosen for team in division[2] if not team[2]]
            teams = [(chosen[0], purchasing_team), *rng.sample(other_teams, team_count - 1)]

            account = spec.account
            top = OrgUnit(account=account, name=TOP_UNIT[spec.industry][lang])
            division_units = {
                division[0]: OrgUnit(account=account, name=division[lang], parent=top) for division in chosen
            }
            team_units = [
                (OrgUnit(account=account, name=team[lang], parent=division_units[division[0]],
                         is_purchasing=team[2]), team)
                for division, team in teams
            ]
            unit_levels[0].append(top)
            unit_levels[1].extend(division_units.values())
            unit_levels[2].extend(unit for unit, _team in team_units)
            spec.units = [top, *division_units.values(), *(unit for unit, _team in team_units)]

            # People, top down. `reports` counts direct reports so leaves can be found.
            taken: set[str] = set()
            contacts: list[tuple[Contact, int]] = []
            reports: dict[int, int] = {}

            def add(unit: OrgUnit, title: tuple[str, str], level: str, manager: Contact | None, depth: int) -> Contact:
                name, local = self.person(spec.korean, taken)
                contact = Contact(
                    account=account, org_unit=unit, name=name, title=title[lang],
                    email=f"{local}@{spec.domain}",
                    phone=f"010-{rng.randint(2000, 9999)}-{rng.randint(1000, 9999)}",
                    reports_to=manager, level=level, influence=rng.randint(*INFLUENCE_BY_LEVEL[level]),
                    attitude=rng.choices(
                        (Contact.Attitude.SUPPORTER, Contact.Attitude.NEUTRAL, Contact.Attitude.OPPONENT), (35, 45, 20)
                    )[0],
                )
                if manager is not None:
                    reports[id(manager)] = reports.get(id(manager), 0) + 1
                contacts.append((contact, depth))
                return contact

            ceo = add(top, CEO_TITLE[spec.industry], Contact.Level.EXECUTIVE, None, 0)
            ceo.is_decision_maker, ceo.influence = True, 5
            chief = add(top, CHIEF_OF_STAFF_TITLE, Contact.Level.MANAGER, ceo, 1) if contact_count >= 25 else None
            heads = {}
            for key, unit in division_units.items():
                if spec.industry == Industry.PUBLIC:
                    title = PUBLIC_DIVISION_HEAD_TITLE
                else:
                    title = rng.choices(DIVISION_HEAD_TITLES, (1, 3, 6))[0]
                head = add(unit, title, Contact.Level.EXECUTIVE, ceo, 1)
                heads[key] = head
            leads = []
            for (unit, team), (division, _t) in zip(team_units, teams, strict=True):
                lead = add(unit, TEAM_LEAD_TITLE, Contact.Level.MANAGER, heads[division[0]], 2)
                lead.influence = rng.randint(3, 4)  # team leads weigh more than other managers
                lead.is_purchasing = team[2]
                lead.is_technical = team[3]
                leads.append((lead, unit, team))

            # The rest of the people: mostly in teams, a few in divisions and the CEO office.
            remaining = contact_count - len(contacts)
            weights = [3 if team[2] else 2 for _lead, _unit, team in leads] + [1] * len(heads) + [0.5]
            homes = rng.choices(range(len(weights)), weights, k=remaining)
            members: dict[int, int] = {home: homes.count(home) for home in range(len(weights))}
            for index, (lead, unit, team) in enumerate(leads):
                size = members.get(index, 0)
                managers = [add(unit, rng.choice(TEAM_MANAGER_TITLES), Contact.Level.MANAGER, lead, 3)
                            for _ in range(min(2, size // 4))]
                for manager in managers:
                    manager.is_purchasing, manager.is_technical = team[2], team[3]
                for _ in range(size - len(managers)):
                    boss = rng.choice(managers) if managers and rng.random() < 0.6 else lead
                    depth = 4 if boss is not lead else 3
                    staff = add(unit, rng.choice(STAFF_TITLES), Contact.Level.STAFF, boss, depth)
                    staff.is_purchasing = team[2]
                    staff.is_technical = team[3] and rng.random() < 0.6
                    staff.is_user = not team[2] and not team[3] and rng.random() < 0.4
            for offset, (key, head) in enumerate(heads.items()):
                for _ in range(members.get(len(leads) + offset, 0)):
                    add(division_units[key], rng.choice(STAFF_TITLES), Contact.Level.STAFF, head, 2)
            for _ in range(members.get(len(weights) - 1, 0)):
                add(top, rng.choice(STAFF_TITLES), Contact.Level.STAFF, chief or ceo, 2 if chief else 1)

            # Buying roles: one Kingpin, one Fox, decision makers, influencers.
            head_list = list(heads.values())
            kingpin = rng.choice(head_list) if rng.random() < 0.85 else ceo
            kingpin.is_kingpin = kingpin.is_decision_maker = True
            kingpin.influence = 5
            fox_pool = [lead for lead, _unit, _team in leads if not lead.is_purchasing] + ([chief] if chief else [])
            fox = rng.choice(fox_pool or [lead for lead, _unit, _team in leads])
            fox.is_fox, fox.influence = True, rng.randint(4, 5)
            for head in head_list:
                if head is not kingpin and rng.random() < 0.35:
                    head.is_decision_maker = True
            for contact, _depth in contacts:
                if contact.level != Contact.Level.STAFF and not contact.is_decision_maker and rng.random() < 0.3:
                    contact.is_influencer = True
                if contact.level == Contact.Level.STAFF and contact.is_technical:
                    contact.influence = rng.randint(2, 3)
            if not any(lead.is_technical for lead, _unit, _team in leads):
                rng.choice(head_list).is_technical = True

            # A few people left during the last year: leaves of the tree, never the Fox or the Kingpin.
            leavers = [c for c, _depth in contacts
                       if id(c) not in reports and c.level == Contact.Level.STAFF and not c.is_fox and not c.is_kingpin]
            for contact in rng.sample(leavers, min(len(leavers), rng.randint(1, 3))):
                contact.status = Contact.Status.LEFT
                contact.left_on = self.days_ago(10, 350)

            spec.contacts = [contact for contact, _depth in contacts]
            for contact, depth in contacts:
                contact_levels[depth].append(contact)

        for level in unit_levels:
            _bulk(OrgUnit, level)
        for level in contact_levels:
            _bulk(Contact, level)

    # -- relationships and the org-change log ---------------------------------------------------

    def build_relationships_and_changes(self, specs: list[_AccountSpec]) -> None:
        rng = self.rng
        relationships: list[Relationship] = []
        interactions: list[tuple[Interaction, User, Contact]] = []
        changes: list[OrgChange] = []
        for index, spec in enumerate(specs):
            active = [c for c in spec.contacts if c.status == Contact.Status.ACTIVE]
            kingpin = next(c for c in active if c.is_kingpin)
            fox = next(c for c in active if c.is_fox)
            # Coverage gaps on purpose: some Kingpins and Foxes nobody on our side knows.
            uncovered = set()
            if index % 3 == 1:
                uncovered.add(id(kingpin))
            if index % 4 == 2:
                uncovered.add(id(fox))
            team = {role: self.users[username] for role, username in spec.team.items()}
            links: dict[tuple[int, int], tuple[User, Contact]] = {}

            def link(user: User, contact: Contact) -> None:
                if id(contact) not in uncovered:
                    links.setdefault((user.pk, id(contact)), (user, contact))

            ceo = spec.contacts[0]
            link(team[AccountTeamMember.Role.EXECUTIVE_SPONSOR], ceo)
            kam = team[AccountTeamMember.Role.KAM]
            for contact in active:
                if contact.level == Contact.Level.EXECUTIVE and (contact.is_decision_maker or rng.random() < 0.6):
                    link(kam, contact)
            link(kam, kingpin)
            link(kam, fox)
            for contact in active:
                if contact.is_purchasing and (contact.level != Contact.Level.STAFF or rng.random() < 0.5):
                    link(team[AccountTeamMember.Role.SALES_REP], contact)
                if contact.is_technical and rng.random() < 0.6:
                    link(team[AccountTeamMember.Role.ENGINEER], contact)
                if contact.level == Contact.Level.MANAGER and rng.random() < 0.25:
                    link(team[AccountTeamMember.Role.SALES_REP], contact)
            for number, (user, contact) in enumerate(links.values()):
                stale = rng.random() < 0.25
                strength = rng.randint(1, 3) if contact.attitude == Contact.Attitude.OPPONENT else rng.randint(2, 5)
                relationships.append(Relationship(user=user, contact=contact, strength=strength))
                # The last contact of the two, in the interaction log.
                kind, notes = INTERACTION_TEMPLATES[number % len(INTERACTION_TEMPLATES)]
                interactions.append((Interaction(
                    account=spec.account, kind=kind, note=notes[0 if spec.korean else 1], recorded_by=user,
                    occurred_on=self.days_ago(91, 300) if stale else self.days_ago(1, 75),
                ), user, contact))

            recorder = team[AccountTeamMember.Role.KAM]
            for contact in spec.contacts:
                if contact.status == Contact.Status.LEFT:
                    changes.append(OrgChange(
                        account=spec.account, contact=contact, org_unit=contact.org_unit, kind=OrgChange.Kind.LEFT,
                        description=f"{contact.name} {contact.title} 퇴사" if spec.korean
                        else f"{contact.name} ({contact.title}) left the company",
                        happened_on=contact.left_on, recorded_by=recorder,
                    ))
            staff = [c for c in active if c.level == Contact.Level.STAFF]
            for contact in rng.sample(staff, min(len(staff), rng.randint(1, 2))):
                changes.append(OrgChange(
                    account=spec.account, contact=contact, org_unit=contact.org_unit, kind=OrgChange.Kind.JOINED,
                    description=f"{contact.name} 입사 ({contact.org_unit.name} {contact.title})" if spec.korean
                    else f"{contact.name} joined {contact.org_unit.name} as {contact.title}",
                    happened_on=self.days_ago(20, 330), recorded_by=recorder,
                ))
            promoted = [c for c in active if c.is_purchasing and c.title in PREVIOUS_TITLE]
            if rng.random() < 0.6:
                promoted.append(kingpin)
            for contact in promoted:
                before = PREVIOUS_TITLE.get(contact.title)
                if before is None:
                    continue
                changes.append(OrgChange(
                    account=spec.account, contact=contact, org_unit=contact.org_unit, kind=OrgChange.Kind.ROLE_CHANGED,
                    description=f"{contact.name}: {before} → {contact.title} ({contact.org_unit.name})",
                    happened_on=self.days_ago(30, 360), recorded_by=recorder,
                ))
        _bulk(Relationship, relationships)
        _bulk(Interaction, [interaction for interaction, _user, _contact in interactions])
        _bulk_attendees(interactions)
        _bulk(OrgChange, changes)

    # -- opportunities ----------------------------------------------------------------------------

    def build_opportunities(self, specs: list[_AccountSpec]) -> int:
        rng = self.rng
        stage_weights = [weight for _stage, weight, _tiers, _p in STAGE_PLAN]
        opportunities: list[Opportunity] = []
        links: list[tuple[Opportunity, list[Offering]]] = []
        moves: list[OpportunityMove] = []
        fitting_offerings = {
            industry: [key for key, affinity in self.offering_affinity.items() if not affinity or industry in affinity]
            for industry in INDUSTRIES
        }
        for spec in specs:
            lang = 0 if spec.korean else 1
            count = 10 + round(30 * (0.6 * spec.size + 0.4 * rng.random()))
            team = {role: self.users[username] for role, username in spec.team.items()}
            owners = (team[AccountTeamMember.Role.KAM], team[AccountTeamMember.Role.SALES_REP],
                      team[AccountTeamMember.Role.ENGINEER])
            sponsors = spec.units[1:] or spec.units
            # Every account shows every stage at least once, then the usual mix.
            plans = list(STAGE_PLAN) + rng.choices(STAGE_PLAN, stage_weights, k=max(0, count - len(STAGE_PLAN)))
            for stage, _weight, tiers, (low, high) in plans:
                base_ko, base_en, keys = rng.choice(OPPORTUNITY_TEMPLATES[spec.industry])
                variant = rng.choice(NAME_VARIANTS)[lang]
                tier = rng.choice(tiers)
                is_open = stage in Opportunity.OPEN_STAGES
                if is_open:
                    # The nearer to business (Tier 1), the sooner it closes.
                    days = rng.randint(15 + 60 * (tier - 1), 120 + 140 * (tier - 1))
                    close = self.today + datetime.timedelta(days=days)
                else:
                    close = self.days_ago(10, 700)
                share = rng.uniform(0.02, 0.25) * (1.4 if tier <= 2 else 1.0)
                amount = min(3_000_000_000, max(50_000_000, spec.annual_revenue * share))
                opportunity = Opportunity(
                    account=spec.account,
                    name=(base_ko if spec.korean else base_en) + variant,
                    sponsor_unit=None if is_open and rng.random() < 0.1 else rng.choice(sponsors),
                    tier=tier, stage=stage, amount=self.money(amount, 10_000_000),
                    expected_close_date=close, probability=rng.randint(low, high),
                    owner=rng.choices(owners, (6, 3, 1))[0],
                )
                opportunities.append(opportunity)
                chosen = [self.offerings[key] for key in keys[: rng.randint(1, min(3, len(keys)))]]
                if len(chosen) < 3 and rng.random() < 0.3:
                    extra = self.offerings[rng.choice(fitting_offerings[spec.industry])]
                    if extra not in chosen:
                        chosen.append(extra)
                if opportunity.sponsor_unit is not None:
                    self.covered_cells.update((id(opportunity.sponsor_unit), o.name) for o in chosen)
                links.append((opportunity, chosen))
                if rng.random() < 0.18:
                    moves.append(self.move_into(opportunity, lang))
        _bulk(Opportunity, opportunities)
        Through = Opportunity.offerings.through
        _bulk(Through, [Through(opportunity_id=opportunity.pk, offering_id=offering.pk)
                        for opportunity, offerings in links for offering in offerings])
        _bulk(OpportunityMove, moves)
        # moved_at is auto_now_add; date the history in the past, as it happened: a closed
        # opportunity moved on its close date, an open one some time in the last half year.
        for move in moves:
            if move.to_stage in (STAGES.WON, STAGES.LOST):
                moved_on = move.opportunity.expected_close_date
            else:
                moved_on = self.days_ago(1, 180)
            working_hours = datetime.time(rng.randint(9, 18), rng.randint(0, 59))
            move.moved_at = timezone.make_aware(datetime.datetime.combine(moved_on, working_hours))
        OpportunityMove.objects.bulk_update(moves, ["moved_at"], batch_size=BATCH_SIZE)
        return len(opportunities)

    def move_into(self, opportunity: Opportunity, lang: int) -> OpportunityMove:
        """The move that brought an opportunity to its present tier and stage."""
        stage, tier = opportunity.stage, opportunity.tier
        if stage == STAGES.WON:
            previous, from_tier = STAGES.NEGOTIATION, tier
        elif stage == STAGES.LOST:
            previous, from_tier = self.rng.choice((STAGES.RFQ, STAGES.PROPOSAL)), tier
        elif stage == STAGES.IDENTIFIED:
            # Still identified: the move was a change of tier only.
            previous, from_tier = stage, tier + 1 if tier < 4 else 3
        else:
            previous = STAGE_ORDER[STAGE_ORDER.index(stage) - 1]
            from_tier = min(4, tier + 1) if self.rng.random() < 0.5 else tier
        return OpportunityMove(
            opportunity=opportunity, from_tier=from_tier, to_tier=tier, from_stage=previous,
            to_stage=stage, moved_by=opportunity.owner, note=MOVE_NOTES[stage][lang],
        )

    # -- orders -------------------------------------------------------------------------------

    def build_orders(self, specs: list[_AccountSpec]) -> int:
        rng = self.rng
        months = []
        year, month = self.today.year, self.today.month
        for _ in range(36):
            months.append((year, month))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        months.reverse()
        orders: list[Order] = []
        for spec in specs:
            account = spec.account
            preferred = [key for key, affinity in self.offering_affinity.items() if spec.industry in affinity]
            general = [key for key, affinity in self.offering_affinity.items() if not affinity]
            bought = preferred[: rng.randint(1, len(preferred))] + rng.sample(general, 1 + round(4 * spec.size))
            if not account.is_key_account:
                bought = [key for key in bought if not self.offerings[key].is_key_account_special] or bought[:1]
            shares = [rng.uniform(0.5, 2.0) for _ in bought]
            total_share = sum(shares)
            regularity = 0.55 + 0.4 * spec.size
            for age, (year, month) in enumerate(reversed(months)):
                fiscal_month = (month - account.fiscal_year_start_month) % 12
                trend = (1 + spec.growth) ** (-age / 12)
                last_day = self.today.day if (year, month) == (self.today.year, self.today.month) else 28
                number = 0
                for key, share in zip(bought, shares, strict=True):
                    if rng.random() > regularity:
                        continue
                    amount = (spec.annual_revenue / 12 * share / total_share / regularity * SEASON[fiscal_month]
                              * trend * rng.lognormvariate(0, 0.25))
                    amount = self.money(amount)
                    number += 1
                    orders.append(Order(
                        account=account, offering=self.offerings[key],
                        ordered_on=datetime.date(year, month, rng.randint(1, last_day)),
                        amount=amount, cost=self.money(float(amount) * rng.uniform(0.55, 0.80)),
                        reference=f"SO-{account.pk}-{year}{month:02d}-{number}",
                    ))
        _bulk(Order, orders)
        return len(orders)

    # -- incentive programs -------------------------------------------------------------------

    def build_incentive_programs(self, specs: list[_AccountSpec]) -> None:
        year = self.today.year
        april_start = year if self.today.month >= 4 else year - 1
        calendar = IncentiveProgram(
            name=f"{year} 연간 볼륨 인센티브 Annual Volume Incentive",
            target_amount=Decimal(3_000_000_000), discount_percent=Decimal("2.00"),
            valid_from=datetime.date(year, 1, 1), valid_to=datetime.date(year, 12, 31),
        )
        april = IncentiveProgram(
            name=f"FY{april_start} 4월 회계연도 고객 인센티브 April fiscal-year incentive",
            target_amount=Decimal(1_000_000_000), discount_percent=Decimal("1.50"),
            valid_from=datetime.date(april_start, 4, 1), valid_to=datetime.date(april_start + 1, 3, 31),
        )
        _bulk(IncentiveProgram, [calendar, april])
        Through = IncentiveProgram.accounts.through
        rows = []
        for spec in specs:
            account = spec.account
            if account.fiscal_year_start_month == 4:
                rows.append(Through(incentiveprogram_id=april.pk, account_id=account.pk))
            elif account.is_key_account or (account.grade is not None and account.grade.rank <= 2):
                rows.append(Through(incentiveprogram_id=calendar.pk, account_id=account.pk))
        _bulk(Through, rows)

    # -- customer experience, grade history, unmet needs ----------------------------------------

    def build_activities(self, specs: list[_AccountSpec]) -> int:
        """Workshops, seminars, training, pilots and support incidents of the last year, a few upcoming."""
        rng = self.rng
        activities: list[CustomerActivity] = []
        participants: list[tuple[CustomerActivity, list[Contact], list[User]]] = []
        for spec in specs:
            lang = 0 if spec.korean else 1
            active = [c for c in spec.contacts if c.status == Contact.Status.ACTIVE]
            key_people = [c for c in active if c.is_fox or c.is_kingpin or c.is_decision_maker]
            team = [self.users[username] for username in spec.team.values()]
            kam = self.users[spec.team[AccountTeamMember.Role.KAM]]
            engineer = self.users[spec.team[AccountTeamMember.Role.ENGINEER]]
            count = 3 + round(5 * spec.size + 2 * rng.random())
            # Each kind of event once before any repeats.
            templates = rng.sample(ACTIVITY_TEMPLATES, len(ACTIVITY_TEMPLATES)) * 2
            for number in range(count):
                upcoming = number == 0 or (number == 1 and spec.size > 0.5)
                kind, titles, days = templates[number]
                start = (self.today + datetime.timedelta(days=rng.randint(5, 60)) if upcoming
                         else self.days_ago(3, 360))
                activity = CustomerActivity(
                    account=spec.account, kind=kind, title=titles[lang], starts_on=start,
                    ends_on=start + datetime.timedelta(days=days) if days else None,
                    notes="" if upcoming else rng.choice(ACTIVITY_NOTES)[lang], recorded_by=kam,
                )
                people = rng.sample(active, min(len(active), rng.randint(2, 6)))
                if key_people and rng.random() < 0.6:
                    pick = rng.choice(key_people)
                    if pick not in people:
                        people.append(pick)
                ours = [kam] + rng.sample([u for u in team if u is not kam], rng.randint(0, 2))
                activities.append(activity)
                participants.append((activity, people, ours))
            # Support incidents: most resolved within days, one in three accounts has one open.
            for number in range(rng.randint(1, 3)):
                start = self.days_ago(1, 20) if number == 0 else self.days_ago(25, 330)
                still_open = number == 0 and rng.random() < 0.35
                activity = CustomerActivity(
                    account=spec.account, kind=CustomerActivity.Kind.SUPPORT_INCIDENT,
                    title=rng.choice(INCIDENTS)[lang], starts_on=start,
                    resolved_on=None if still_open else min(self.today, start + datetime.timedelta(days=rng.randint(0, 6))),
                    notes=("원인 분석 중" if spec.korean else "Root cause under analysis") if still_open
                    else ("재발 방지 대책 공유 완료" if spec.korean else "Prevention measures shared with the customer"),
                    recorded_by=engineer,
                )
                technical = [c for c in active if c.is_technical] or active
                activities.append(activity)
                participants.append((activity, rng.sample(technical, min(len(technical), rng.randint(1, 2))), [engineer]))
        _bulk(CustomerActivity, activities)
        recorded = [
            (Interaction(
                account_id=activity.account_id, kind=ACTIVITY_KINDS[activity.kind], occurred_on=activity.starts_on,
                note=activity.title, activity=activity, recorded_by=activity.recorded_by,
            ), contacts, ours)
            for activity, contacts, ours in participants if activity.kind in ACTIVITY_KINDS
        ]
        _bulk(Interaction, [interaction for interaction, _contacts, _ours in recorded])
        _bulk_attendees([(interaction, ours, contacts) for interaction, contacts, ours in recorded])
        ContactThrough = CustomerActivity.contacts.through
        PeopleThrough = CustomerActivity.our_people.through
        _bulk(ContactThrough, [
            ContactThrough(customeractivity_id=activity.pk, contact_id=contact.pk)
            for activity, contacts, _ours in participants for contact in contacts
        ])
        _bulk(PeopleThrough, [
            PeopleThrough(customeractivity_id=activity.pk, user_id=user.pk)
            for activity, _contacts, ours in participants for user in ours
        ])
        return len(activities)

    def build_grade_changes(self, specs: list[_AccountSpec]) -> None:
        """Every graded account got its grade once; some moved up or down since."""
        rng = self.rng
        by_rank = {tier.rank: tier for tier in self.tiers}
        changes: list[GradeChange] = []
        for spec in specs:
            account = spec.account
            if account.grade is None:
                continue
            lang = 0 if spec.korean else 1
            kam = self.users[spec.team[AccountTeamMember.Role.KAM]]
            roll = rng.random()
            neighbour = None
            if roll < 0.3:
                neighbour, reason = by_rank.get(account.grade.rank + 1), "up"  # was a lower grade
            elif roll < 0.45:
                neighbour, reason = by_rank.get(account.grade.rank - 1), "down"  # was a higher grade
            first_grade = neighbour or account.grade
            changes.append(GradeChange(
                account=account, from_grade=None, to_grade=first_grade, changed_on=self.days_ago(700, 1000),
                reason=GRADE_REASONS["new"][lang], changed_by=self.users["admin"],
            ))
            if neighbour is not None:
                changes.append(GradeChange(
                    account=account, from_grade=neighbour, to_grade=account.grade, changed_on=self.days_ago(20, 400),
                    reason=GRADE_REASONS[reason][lang], changed_by=self.users["exec"] if reason == "down" else kam,
                ))
        _bulk(GradeChange, changes)

    def build_unmet_needs(self, specs: list[_AccountSpec]) -> None:
        """One to three notes on white-space cells: team-level units and offerings nobody sells them yet."""
        rng = self.rng
        offerings = list(self.offerings.values())
        needs: list[UnmetNeed] = []
        for spec in specs:
            lang = 0 if spec.korean else 1
            kam = self.users[spec.team[AccountTeamMember.Role.KAM]]
            units = [unit for unit in spec.units if unit.parent is not None] or spec.units
            cells = [(unit, offering) for unit in units for offering in offerings
                     if (id(unit), offering.name) not in self.covered_cells]
            for unit, offering in rng.sample(cells, min(len(cells), rng.randint(1, 3))):
                needs.append(UnmetNeed(
                    account=spec.account, org_unit=unit, offering=offering,
                    note=rng.choice(UNMET_NEED_NOTES)[lang], recorded_by=kam,
                ))
        _bulk(UnmetNeed, needs)
