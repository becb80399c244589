"""The accounts demo data's commercial side: opportunities by tier and their moves, three years of
orders and the revenue recognised from them, incentive programs, customer activities, grade changes and unmet needs (a mixin of
`demo.accounts_seed._DemoBuilder`)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import (
    AccountTeamMember,
    Contact,
    CustomerActivity,
    GradeChange,
    IncentiveProgram,
    Interaction,
    Offering,
    Opportunity,
    OpportunityMove,
    UnmetNeed,
    User,
)
from accounts.interactions import ACTIVITY_KINDS
from accounts.models import Order, RevenueLine

from demo.bulk import insert_rows, new, reserve_ids, sqlite_checks_skipped
from demo.revenue import ORDER_COLUMNS, REVENUE_COLUMNS, revenue_rows, revenue_rows_check
from demo.accounts_content import (
    _AccountSpec,
    _bulk,
    INDUSTRIES,
    OPPORTUNITY_TEMPLATES,
    NAME_VARIANTS,
    STAGES,
    STAGE_PLAN,
    STAGE_ORDER,
    MOVE_NOTES,
    SEASON,
    ACTIVITY_TEMPLATES,
    INCIDENTS,
    ACTIVITY_NOTES,
    GRADE_REASONS,
    UNMET_NEED_NOTES,
)


# The columns of the customer activities' tuples (`demo.bulk.insert_rows`).
ACTIVITY_COLUMNS = ("id", "account_id", "kind", "title", "starts_on", "ends_on", "resolved_on", "notes", "recorded_by_id")


class PipelineBuilder:
    """The builder's steps after the org charts; `self` is a `demo.accounts_seed._DemoBuilder`."""

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
                opportunity = new(Opportunity, 
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
        insert_rows(Opportunity.offerings.through, ("opportunity_id", "offering_id"),
                    [(opportunity.pk, offering.pk) for opportunity, offerings in links for offering in offerings])
        # moved_at is auto_now_add; date the history in the past, as it happened: a closed
        # opportunity moved on its close date, an open one some time in the last half year
        # (set before the insert, which keeps a moment already given).
        for move in moves:
            if move.to_stage in (STAGES.WON, STAGES.LOST):
                moved_on = move.opportunity.expected_close_date
            else:
                moved_on = self.days_ago(1, 180)
            working_hours = datetime.time(rng.randint(9, 18), rng.randint(0, 59))
            move.moved_at = timezone.make_aware(datetime.datetime.combine(moved_on, working_hours))
        _bulk(OpportunityMove, moves)
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
        return new(OpportunityMove, 
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
        orders: list[tuple] = []  # ORDER_COLUMNS without the id
        offering_pks = {key: offering.pk for key, offering in self.offerings.items()}
        for spec in specs:
            account = spec.account
            account_pk = account.pk
            # Who made each sale (영업 담당): the account's KAM and sales rep in turn, without drawing on the
            # random stream (the rest of the demo stays as it was).
            sellers = [self.users[spec.team[role]].pk for role in (AccountTeamMember.Role.KAM, AccountTeamMember.Role.SALES_REP)
                       if role in spec.team]
            preferred = [key for key, affinity in self.offering_affinity.items() if spec.industry in affinity]
            general = [key for key, affinity in self.offering_affinity.items() if not affinity]
            bought = preferred[: rng.randint(1, len(preferred))] + rng.sample(general, 1 + round(4 * spec.size))
            if not account.is_key_account:
                bought = [key for key in bought if not self.offerings[key].is_key_account_special] or bought[:1]
            shares = [rng.uniform(0.5, 2.0) for _ in bought]
            total_share = sum(shares)
            regularity = 0.55 + 0.4 * spec.size
            # Cross-selling over time: half the offerings were bought from the start, the others one after
            # another (spread over the three years), each with a larger first order, so every year holds
            # first purchases and the repurchase rate is not 100 %.
            core = max(1, len(bought) // 2)
            first_month = [0] * core + [
                min(len(months) - 1, (index % 3) * 12 + rng.randrange(12)) for index in range(len(bought) - core)
            ]
            for age, (year, month) in enumerate(reversed(months)):
                fiscal_month = (month - account.fiscal_year_start_month) % 12
                trend = (1 + spec.growth) ** (-age / 12)
                last_day = self.today.day if (year, month) == (self.today.year, self.today.month) else 28
                number = 0
                month_index = len(months) - 1 - age
                for key, share, first in zip(bought, shares, first_month, strict=True):
                    if month_index < first:
                        continue
                    initial = first > 0 and month_index == first
                    if not initial and rng.random() > regularity:
                        continue
                    amount = (spec.annual_revenue / 12 * share / total_share / regularity * SEASON[fiscal_month]
                              * trend * rng.lognormvariate(0, 0.25) * (rng.uniform(2, 4) if initial else 1))
                    amount = self.money(amount)
                    number += 1
                    orders.append((
                        account_pk, offering_pks[key], datetime.date(year, month, rng.randint(1, last_day)),
                        amount, self.money(float(amount) * rng.uniform(0.55, 0.80)),
                        f"SO-{account_pk}-{year}{month:02d}-{number}",
                        sellers[number % len(sellers)] if sellers else None,
                    ))
        orders = [(pk, *order) for pk, order in zip(reserve_ids(Order, len(orders)), orders, strict=True)]
        insert_rows(Order, ORDER_COLUMNS, orders)
        kinds = {offering.pk: offering.kind for offering in self.offerings.values()}
        lines = revenue_rows(orders, kinds=kinds, today=self.today)
        revenue_rows_check(lines)
        with sqlite_checks_skipped():
            insert_rows(RevenueLine, REVENUE_COLUMNS, lines)
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
        rows = []
        for spec in specs:
            account = spec.account
            if account.fiscal_year_start_month == 4:
                rows.append((april.pk, account.pk))
            elif account.is_key_account or (account.grade is not None and account.grade.rank <= 2):
                rows.append((calendar.pk, account.pk))
        insert_rows(IncentiveProgram.accounts.through, ("incentiveprogram_id", "account_id"), rows)

    # -- customer experience, grade history, unmet needs ----------------------------------------

    def build_activities(self, specs: list[_AccountSpec]) -> int:
        """Workshops, seminars, training, pilots and support incidents of the last year, a few upcoming."""
        rng = self.rng
        activities: list[tuple] = []  # ACTIVITY_COLUMNS without the id
        participants: list[tuple[list[Contact], list[User]]] = []  # each activity's people on both sides
        for spec in specs:
            account_pk = spec.account.pk
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
                activity = (
                    account_pk, kind, titles[lang], start, start + datetime.timedelta(days=days) if days else None,
                    None, "" if upcoming else rng.choice(ACTIVITY_NOTES)[lang], kam.pk,
                )
                people = rng.sample(active, min(len(active), rng.randint(2, 6)))
                if key_people and rng.random() < 0.6:
                    pick = rng.choice(key_people)
                    if pick not in people:
                        people.append(pick)
                ours = [kam] + rng.sample([u for u in team if u is not kam], rng.randint(0, 2))
                activities.append(activity)
                participants.append((people, ours))
            # Support incidents: most resolved within days, one in three accounts has one open.
            for number in range(rng.randint(1, 3)):
                start = self.days_ago(1, 20) if number == 0 else self.days_ago(25, 330)
                still_open = number == 0 and rng.random() < 0.35
                activity = (
                    account_pk, CustomerActivity.Kind.SUPPORT_INCIDENT, rng.choice(INCIDENTS)[lang], start, None,
                    None if still_open else min(self.today, start + datetime.timedelta(days=rng.randint(0, 6))),
                    ("원인 분석 중" if spec.korean else "Root cause under analysis") if still_open
                    else ("재발 방지 대책 공유 완료" if spec.korean else "Prevention measures shared with the customer"),
                    engineer.pk,
                )
                technical = [c for c in active if c.is_technical] or active
                activities.append(activity)
                participants.append((rng.sample(technical, min(len(technical), rng.randint(1, 2))), [engineer]))
        activities = [(pk, *row) for pk, row in zip(reserve_ids(CustomerActivity, len(activities)), activities, strict=True)]
        insert_rows(CustomerActivity, ACTIVITY_COLUMNS, activities)
        # Events with people from both sides are in the interaction log too, attendees and all.
        recorded = [
            ((account_id, ACTIVITY_KINDS[kind], starts_on, title, activity_id, recorded_by_id), people)
            for (activity_id, account_id, kind, title, starts_on, *_rest, recorded_by_id), people
            in zip(activities, participants, strict=True) if kind in ACTIVITY_KINDS
        ]
        ids = reserve_ids(Interaction, len(recorded))
        insert_rows(Interaction, ("id", "account_id", "kind", "occurred_on", "note", "activity_id", "recorded_by_id"),
                    [(pk, *row) for pk, (row, _people) in zip(ids, recorded, strict=True)])
        insert_rows(Interaction.our_attendees.through, ("interaction_id", "user_id"),
                    [(pk, user.pk) for pk, (_row, (_contacts, ours)) in zip(ids, recorded) for user in ours])
        insert_rows(Interaction.their_attendees.through, ("interaction_id", "contact_id"),
                    [(pk, contact.pk) for pk, (_row, (contacts, _ours)) in zip(ids, recorded) for contact in contacts])
        insert_rows(CustomerActivity.contacts.through, ("customeractivity_id", "contact_id"), [
            (activity[0], contact.pk) for activity, (contacts, _ours) in zip(activities, participants) for contact in contacts
        ])
        insert_rows(CustomerActivity.our_people.through, ("customeractivity_id", "user_id"), [
            (activity[0], user.pk) for activity, (_contacts, ours) in zip(activities, participants) for user in ours
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
            changes.append(new(GradeChange, 
                account=account, from_grade=None, to_grade=first_grade, changed_on=self.days_ago(700, 1000),
                reason=GRADE_REASONS["new"][lang], changed_by=self.users["admin"],
            ))
            if neighbour is not None:
                changes.append(new(GradeChange, 
                    account=account, from_grade=neighbour, to_grade=account.grade, changed_on=self.days_ago(20, 400),
                    reason=GRADE_REASONS[reason][lang], changed_by=kam,  # the account team changes the grade
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
                needs.append(new(UnmetNeed, 
                    account=spec.account, org_unit=unit, offering=offering,
                    note=rng.choice(UNMET_NEED_NOTES)[lang], recorded_by=kam,
                ))
        _bulk(UnmetNeed, needs)
