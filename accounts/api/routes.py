"""The resources of accounts, mounted under /api/v1/ by kam.api.urls in this order."""

from .accounts import AccountRiskViewSet, AccountViewSet, BusinessUnitViewSet, UserViewSet
from .commerce import OfferingViewSet, OpportunityViewSet, PricingTierViewSet, UnmetNeedViewSet
from .customer import ContactViewSet, CustomerActivityViewSet, InteractionViewSet, OrgUnitViewSet, RelationshipViewSet
from .organisation import OrganisationMappingViewSet

routes = [
    ("accounts", AccountViewSet, "account"),
    ("org-units", OrgUnitViewSet, "org-unit"),
    ("contacts", ContactViewSet, "contact"),
    ("relationships", RelationshipViewSet, "relationship"),
    ("opportunities", OpportunityViewSet, "opportunity"),
    ("offerings", OfferingViewSet, "offering"),
    ("pricing-tiers", PricingTierViewSet, "pricing-tier"),
    ("business-units", BusinessUnitViewSet, "business-unit"),
    ("users", UserViewSet, "user"),
    ("unmet-needs", UnmetNeedViewSet, "unmet-need"),
    ("account-risks", AccountRiskViewSet, "account-risk"),
    ("customer-activities", CustomerActivityViewSet, "customer-activity"),
    ("interactions", InteractionViewSet, "interaction"),
    ("organisation-mapping", OrganisationMappingViewSet, "organisation-mapping"),
]
