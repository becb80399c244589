"""Deterministic, bilingual demo data for development: `python manage.py seed_demo`.

`demo_seed` builds our matrix organisation, the offering catalogue, pricing tiers, the demo
users, and N customer accounts with org charts, relationships, opportunities by tier and three
years of orders. The same seed and the same day give the same data. Everything is written
with the loader's bulk inserts of `demo.bulk` in a fixed number of statements per kind of row
(trees level by level), without per-row saves or signals.

Names, titles and descriptions below are demo *content*: data in the customer's language, not
interface text, so they are not translated.
"""

import datetime
import itertools
import random
from dataclasses import dataclass
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
    GradeChange,
    IncentiveProgram,
    Industry,
    Interaction,
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
from accounts import portfolio_cache
from accounts.roles import Role
from accounts.services import account_revenue_refresh
from accounts.models import Order, RevenueLine

from demo.bulk import insert_rows, new, reserve_ids, sqlite_indexes_deferred
from demo.accounts_content import (
    DIVISIONS,
    _AccountSpec,
    _bulk,
    _slug,
    INTERACTION_TEMPLATES,
    DEFAULT_SEED,
    DEFAULT_ACCOUNT_COUNT,
    DEMO_PASSWORD,
    BATCH_SIZE,
    VERTICAL_UNITS,
    INDUSTRIES,
    HORIZONTAL_UNITS,
    OFFERINGS,
    OFFERING_DESCRIPTIONS,
    PRICING_TIERS,
    USERS,
    DEMO_USERNAMES,
    SALES_REP_BY_INDUSTRY,
    KOREAN_PREFIXES,
    KOREAN_SUFFIXES,
    FOREIGN_ROOTS,
    FOREIGN_SUFFIXES,
    FIRST_ACCOUNT_NAMES,
    REGIONS,
    TOP_UNIT,
    CEO_TITLE,
    DIVISION_HEAD_TITLES,
    PUBLIC_DIVISION_HEAD_TITLE,
    PREVIOUS_TITLE,
    INFLUENCE_BY_LEVEL,
    CHIEF_OF_STAFF_TITLE,
    TEAM_LEAD_TITLE,
    TEAM_MANAGER_TITLES,
    STAFF_TITLES,
    KOREAN_SURNAMES,
    KOREAN_GIVEN_NAMES,
    ENGLISH_FIRST_NAMES,
    ENGLISH_LAST_NAMES,
    REVENUE_SCALE,
    PARETO_SPREAD,
    PARETO_EXPONENT,
)
from demo.accounts_pipeline import PipelineBuilder

# The tables the builder fills with many rows a company and reads nothing back from while it does:
# their plain indexes are built once, after the rows are in.
LOADED_MODELS = (
    AccountTeamMember, OrgUnit, Contact, Relationship, Interaction, Interaction.our_attendees.through,
    Interaction.their_attendees.through, OrgChange, Opportunity, Opportunity.offerings.through, OpportunityMove,
    Order, RevenueLine, IncentiveProgram.accounts.through, CustomerActivity, CustomerActivity.contacts.through,
    CustomerActivity.our_people.through, GradeChange, UnmetNeed,
)


# The columns of the tuples the builder inserts for these models (`demo.bulk.insert_rows`).
RELATIONSHIP_COLUMNS = ("user_id", "contact_id", "strength")
INTERACTION_COLUMNS = ("id", "account_id", "kind", "note", "recorded_by_id", "occurred_on")
ORG_CHANGE_COLUMNS = ("account_id", "contact_id", "org_unit_id", "kind", "details", "happened_on", "recorded_by_id")


@dataclass
class DemoSummary:
    accounts: int = 0
    contacts: int = 0
    opportunities: int = 0
    orders: int = 0
    activities: int = 0


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
    PROTECT parents are cut first. Rows the collector must still load come with their pk only. A bulk write
    (`portfolio_cache.bulk_writes`): no signal recomputes sums row by row.
    """
    with portfolio_cache.bulk_writes():
        _flush()


def _flush() -> None:
    RevenueLine.objects.all().delete()
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
        with sqlite_indexes_deferred(*LOADED_MODELS):
            summary = _DemoBuilder(rng=random.Random(seed), today=today).build(account_count)
        account_revenue_refresh(as_of=today)
    return summary


class _DemoBuilder(PipelineBuilder):
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
        for username, first, last, role, unit, job_title, level in USERS:
            users.append(User(
                username=username, first_name=first, last_name=last, email=f"{username}@kam-demo.example",
                password=password, is_staff=role == Role.ADMIN, business_unit=self.units.get(unit) if unit else None,
                job_title=job_title, level=level,
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
            for username, _first, _last, role, _unit, _title, _level in USERS
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
            new(AccountTeamMember, account=spec.account, user=self.users[username], role=role)
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
            top = new(OrgUnit, account=account, name=TOP_UNIT[spec.industry][lang])
            division_units = {
                division[0]: new(OrgUnit, account=account, name=division[lang], parent=top) for division in chosen
            }
            team_units = [
                (new(OrgUnit, account=account, name=team[lang], parent=division_units[division[0]],
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
                contact = new(Contact, 
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
        # Plain tuples: the rows are only inserted. Each interaction's (user id, contact id) attend it.
        relationships: list[tuple] = []  # RELATIONSHIP_COLUMNS
        interactions: list[tuple] = []  # INTERACTION_COLUMNS without the id
        attendees: list[tuple[int, int]] = []
        changes: list[tuple] = []  # ORG_CHANGE_COLUMNS
        for index, spec in enumerate(specs):
            account_pk = spec.account.pk
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
                relationships.append((user.pk, contact.pk, strength))
                # The last contact of the two, in the interaction log.
                kind, notes = INTERACTION_TEMPLATES[number % len(INTERACTION_TEMPLATES)]
                interactions.append((
                    account_pk, kind, notes[0 if spec.korean else 1], user.pk,
                    self.days_ago(91, 300) if stale else self.days_ago(1, 75),
                ))
                attendees.append((user.pk, contact.pk))

            recorder = team[AccountTeamMember.Role.KAM]
            for contact in spec.contacts:
                if contact.status == Contact.Status.LEFT:
                    changes.append((
                        account_pk, contact.pk, contact.org_unit_id, OrgChange.Kind.LEFT,
                        {"name": contact.name, "title": contact.title}, contact.left_on, recorder.pk,
                    ))
            staff = [c for c in active if c.level == Contact.Level.STAFF]
            for contact in rng.sample(staff, min(len(staff), rng.randint(1, 2))):
                changes.append((
                    account_pk, contact.pk, contact.org_unit_id, OrgChange.Kind.JOINED,
                    {"name": contact.name, "unit": contact.org_unit.name, "title": contact.title},
                    self.days_ago(20, 330), recorder.pk,
                ))
            promoted = [c for c in active if c.is_purchasing and c.title in PREVIOUS_TITLE]
            if rng.random() < 0.6:
                promoted.append(kingpin)
            for contact in promoted:
                before = PREVIOUS_TITLE.get(contact.title)
                if before is None:
                    continue
                changes.append((
                    account_pk, contact.pk, contact.org_unit_id, OrgChange.Kind.ROLE_CHANGED,
                    {"name": contact.name, "old": before, "new": contact.title, "unit": contact.org_unit.name},
                    self.days_ago(30, 360), recorder.pk,
                ))
        insert_rows(Relationship, RELATIONSHIP_COLUMNS, relationships)
        ids = reserve_ids(Interaction, len(interactions))
        insert_rows(Interaction, INTERACTION_COLUMNS, [(pk, *row) for pk, row in zip(ids, interactions, strict=True)])
        insert_rows(Interaction.our_attendees.through, ("interaction_id", "user_id"),
                    [(pk, user_id) for pk, (user_id, _contact_id) in zip(ids, attendees, strict=True)])
        insert_rows(Interaction.their_attendees.through, ("interaction_id", "contact_id"),
                    [(pk, contact_id) for pk, (_user_id, contact_id) in zip(ids, attendees, strict=True)])
        insert_rows(OrgChange, ORG_CHANGE_COLUMNS, changes)

    # -- opportunities ----------------------------------------------------------------------------
