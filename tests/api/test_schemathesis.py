"""Property-based tests of the whole API against its own OpenAPI schema (schemathesis).

For every operation, schemathesis sends requests built from the schema — valid ones and
deliberately invalid ones (wrong types, missing fields, out-of-range values, unknown ids,
huge and odd strings) — as an account manager (as an admin for what only admins may
write, so those payloads reach validation), through the WSGI app in this process.
No request may end in a server error, and invalid data must be refused with a 4xx.
Bounded to about 20 s: five random examples per operation, the systematic coverage phase
(every field missing, of the wrong type, at and past its limits) only on creates, and a
per-example deadline. Set "max-examples" higher locally to search harder.
"""

import datetime
import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import negative_data_rejection

from accounts.models import UnmetNeed
from planning.models import QuarterlyReview
from tests.factories import (
    AccountFactory,
    AccountPlanFactory,
    ContactFactory,
    CustomerActivityFactory,
    KpiTargetFactory,
    ManualActualFactory,
    ManualKpiFactory,
    NpsResponseFactory,
    OfferingFactory,
    OpportunityFactory,
    OrderFactory,
    OrgUnitFactory,
    PricingTierFactory,
    RelationshipFactory,
    RevenueLineFactory,
    TeamMemberFactory,
)

# Part of the normal suite (`-m "not schemathesis"` leaves it out while iterating).
pytestmark = pytest.mark.schemathesis

# Every `{id}` in a path names a record with this id, on the account manager's own account,
# so valid requests reach real rows (reads, updates through the services, moves, deletes).
KNOWN_ID = 4242


def _load_schema():
    """The schema /api/schema/ serves, generated in-process: collection runs before any database exists.

    (`schemathesis.pytest.from_fixture`, which could fetch it over HTTP with a token, does not
    run under pytest 9.2: it sets `Node._nodeid`, which pytest 9.2 no longer has.)
    test_schema_and_docs checks that the served schema is this one.
    """
    loaded = schemathesis.openapi.from_dict(
        served_schema(),
        config=SchemathesisConfig.from_dict(
            {
                "parameters": {"path.id": KNOWN_ID},
                "generation": {"mode": "all", "max-examples": 5, "database": "none"},
                "phases": {
                    "stateful": {"enabled": False},
                    "coverage": {"unexpected-methods": [], "generate-duplicate-query-parameters": False},
                },
                # The coverage phase runs on the creates, where payloads come in; the rest is fuzzed.
                # Plan transitions take a small body checked by plain serializers; fuzzing them is enough.
                "operations": [
                    {"exclude-method": "POST", "phases": {"coverage": {"enabled": False}}},
                    {"include-path-regex": "^/api/v1/plans/", "phases": {"coverage": {"enabled": False}}},
                ],
            }
        ),
    )
    loaded.app = get_wsgi_application()
    return loaded


def served_schema() -> dict:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated, renderer_context={}))


schema = _load_schema()


@pytest.fixture
def tokens(db, account_manager, kam_admin, other_account):
    """Tokens of an account manager and an admin, and a record with id KNOWN_ID of each kind on the manager's account."""
    account = AccountFactory(pk=KNOWN_ID, name="Schemathesis Co.")
    TeamMemberFactory(account=account, user=account_manager)
    unit = OrgUnitFactory(pk=KNOWN_ID, account=account)
    contact = ContactFactory(pk=KNOWN_ID, account=account, org_unit=unit)
    RelationshipFactory(pk=KNOWN_ID, contact=contact, user=account_manager)
    offering = OfferingFactory(pk=KNOWN_ID)
    OpportunityFactory(pk=KNOWN_ID, account=account, sponsor_unit=unit).offerings.add(offering)
    order = OrderFactory(pk=KNOWN_ID, account=account, offering=offering, with_revenue=False)
    RevenueLineFactory(pk=KNOWN_ID, account=account, order=order)
    PricingTierFactory(pk=KNOWN_ID, name="Gold", rank=1)
    manual_kpi = ManualKpiFactory(pk=KNOWN_ID)
    KpiTargetFactory(pk=KNOWN_ID, account=account, kpi=manual_kpi)
    ManualActualFactory(pk=KNOWN_ID, account=account, kpi=manual_kpi)
    NpsResponseFactory(pk=KNOWN_ID, account=account, contact=contact)
    UnmetNeed.objects.create(pk=KNOWN_ID, account=account, org_unit=unit, offering=offering, note="Edge analytics")
    CustomerActivityFactory(pk=KNOWN_ID, account=account)
    plan = AccountPlanFactory(pk=KNOWN_ID, account=account, owner=account_manager)
    quarter = plan.period("quarter", 1)
    QuarterlyReview.objects.create(
        pk=KNOWN_ID, plan=plan, quarter=1, period_start=quarter.start, period_end=quarter.end, due_on=quarter.end
    )
    ContactFactory(account=other_account)
    return {"account manager": Token.objects.create(user=account_manager).key, "admin": Token.objects.create(user=kam_admin).key}


def caller_for(case) -> str:
    """The account manager calls everything, except what only admins may do, so that those writes
    get past the permission check to the validation under test."""
    path = case.operation.path
    catalogue = path.startswith(("/api/v1/offerings/", "/api/v1/pricing-tiers/", "/api/v1/kpi-definitions/"))
    admin_only = path in ("/api/v1/accounts/", "/api/v1/accounts/{id}/key-account/")
    if case.method != "GET" and (catalogue or admin_only):
        return "admin"
    return "account manager"


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """Django closes the connection at the end of each request; inside a test's transaction that
    would end the test's view of the database, so (as Django's test client does) it must not."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(deadline=datetime.timedelta(seconds=5), suppress_health_check=list(HealthCheck))
def test_no_request_ends_in_a_server_error_and_bad_data_is_refused(case, tokens, wsgi_keeps_the_test_connection):
    case.call_and_validate(
        headers={"Authorization": f"Token {tokens[caller_for(case)]}"},
        checks=[not_a_server_error, negative_data_rejection],
    )
