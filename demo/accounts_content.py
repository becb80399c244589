"""What the accounts demo data is made of: our units, offerings, tiers, demo users, names, titles,
opportunity templates and activity notes (`demo.accounts_seed` builds rows from them).

Names, titles and descriptions below are demo *content*: data in the customer's language, not
interface text, so they are not translated.
"""

import re
from dataclasses import dataclass, field


from accounts.models import Account, Contact, CustomerActivity, Industry, Interaction, Level, Opportunity, OrgUnit
from accounts.roles import Role
from demo.bulk import bulk_insert

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
# As in the seed's example (Cisco's partner grades): Gold is the top grade, then Silver, then Premier.
PRICING_TIERS = (
    ("Gold", 1, "10.00", 5_000_000_000,
     "전담 KAM과 임원 스폰서 · Dedicated KAM and executive sponsor\n"
     "24/7 우선 지원, 4시간 내 현장 출동 · 24/7 priority support, on site within 4 hours\n"
     "연 2회 혁신 워크숍 무상 제공 · Two free innovation workshops a year"),
    ("Silver", 2, "7.00", 1_500_000_000,
     "전담 KAM · Dedicated KAM\n"
     "평일 우선 지원, 익일 현장 출동 · Priority support on workdays, on site next day\n"
     "신제품 파일럿 우선 참여 · First access to pilot programs"),
    ("Premier", 3, "3.00", 300_000_000,
     "어카운트 팀 지정 · Named account team\n"
     "분기별 기술 세미나 초대 · Quarterly technical seminars"),
)

# username, first name, last name, role, business unit key, job title
USERS = (
    ("admin", "지영", "한", Role.ADMIN, None, "시스템 관리자 System administrator", ""),
    ("exec", "태호", "정", Role.EXECUTIVE, None, "대표이사 CEO", Level.EXECUTIVE),
    ("am", "서연", "김", Role.ACCOUNT_MANAGER, "manufacturing", "핵심 어카운트 매니저 Key account manager", Level.MANAGER),
    ("am2", "Daniel", "Kwon", Role.ACCOUNT_MANAGER, "finance", "Key account manager", Level.MANAGER),
    ("rep1", "준호", "이", Role.ACCOUNT_MANAGER, "manufacturing", "영업대표 Sales representative", Level.STAFF),
    ("rep2", "Sophie", "Becker", Role.ACCOUNT_MANAGER, "finance", "Sales representative", Level.MANAGER),
    ("rep3", "유나", "최", Role.ACCOUNT_MANAGER, "public", "영업대표 Sales representative", Level.STAFF),
    ("eng1", "현우", "박", Role.ACCOUNT_MANAGER, "services", "기술지원 엔지니어 Support engineer", Level.STAFF),
    ("eng2", "Erik", "Lindqvist", Role.ACCOUNT_MANAGER, "solutions", "Solutions engineer", Level.STAFF),
    ("vp1", "미경", "윤", Role.ACCOUNT_MANAGER, "solutions", "전무 · 임원 스폰서 Executive sponsor", Level.EXECUTIVE),
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


# The last contact of each relationship: (kind, (Korean note, English note)).
INTERACTION_TEMPLATES = [
    (Interaction.Kind.MEETING, ("정기 미팅: 하반기 추진 과제 점검", "Regular meeting: second-half priorities")),
    (Interaction.Kind.CALL, ("전화: 견적 일정 확인", "Call: quotation schedule")),
    (Interaction.Kind.VISIT, ("현장 방문: 운영 현황 청취", "Site visit: listened to operations")),
    (Interaction.Kind.DINNER, ("저녁 식사: 내년 투자 방향 의견 교환", "Dinner: next year's investment plans")),
    (Interaction.Kind.EMAIL, ("메일: 제안서 후속 질의 응답", "E-mail thread: follow-up questions on the proposal")),
]
# Customer-experience activities: kind, (Korean, English) titles, days it lasts (0: one day).
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


def _bulk(model, objs: list) -> list:
    return bulk_insert(model, objs)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
