"""Customers and our own matrix organisation.
Accounts, their org charts (units and contacts), the relationships our people keep
with contacts, opportunities by tier, the offering catalogue, pricing tiers, orders (수주)
and revenue lines (매출).
Invariants live in database constraints so no code path can store bad data.
"""

from .people import (
    BusinessUnit,
    Level,
    level_from_title,
    User,
    person_name,
    full_name_expression,
)
from .account import (
    Industry,
    PricingTier,
    Account,
    AccountTeamMember,
    GradeChange,
    PortfolioStamp,
    OrganisationEvent,
    AccountRisk,
)
from .customer import OrgUnit, Contact, Relationship, OrgChange, org_change_text, CustomerActivity, Interaction
from .commerce import Offering, Order, IncentiveProgram, Opportunity, OpportunityMove, OpportunityTierTotal, UnmetNeed
from .revenue import RevenueLine

__all__ = [
    "BusinessUnit",
    "Level",
    "level_from_title",
    "User",
    "person_name",
    "full_name_expression",
    "Industry",
    "PricingTier",
    "Account",
    "AccountTeamMember",
    "GradeChange",
    "PortfolioStamp",
    "OrganisationEvent",
    "AccountRisk",
    "OrgUnit",
    "Contact",
    "Relationship",
    "OrgChange",
    "org_change_text",
    "CustomerActivity",
    "Interaction",
    "Offering",
    "Order",
    "IncentiveProgram",
    "Opportunity",
    "OpportunityMove",
    "OpportunityTierTotal",
    "UnmetNeed",
    "RevenueLine",
]
