import pytest

from accounts.models import PricingTier
from tests.factories import PricingTierFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/pricing-tiers/"


def detail(tier):
    return f"/api/v1/pricing-tiers/{tier.pk}/"


def test_account_manager_reads_pricing_tiers(api_for, account_manager):
    gold = PricingTierFactory(name="Gold", rank=1)
    client = api_for(account_manager)
    assert [row["name"] for row in client.get(LIST).json()["results"]] == ["Gold"]
    assert client.get(detail(gold)).json()["discount_percent"] == 5.0


def test_anonymous_caller_cannot_read_pricing_tiers(api_for):
    assert api_for(None).get(LIST).status_code == 401


def test_admin_adds_a_pricing_tier(api_for, kam_admin):
    payload = {"name": "Premier", "rank": 1, "discount_percent": 12.5, "min_annual_amount": 1_000_000_000}
    assert api_for(kam_admin).post(LIST, payload, format="json").status_code == 201
    assert PricingTier.objects.get(name="Premier").discount_percent == 12.5


@pytest.mark.parametrize("role", ["account_manager", "executive"])
def test_only_admins_add_pricing_tiers(api_for, request, role):
    payload = {"name": "Premier", "rank": 1}
    assert api_for(request.getfixturevalue(role)).post(LIST, payload, format="json").status_code == 403
    assert not PricingTier.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"), [("discount_percent", 101), ("discount_percent", -1), ("min_annual_amount", -5), ("rank", 0)]
)
def test_out_of_range_values_are_field_errors(api_for, kam_admin, field, value):
    response = api_for(kam_admin).post(LIST, {"name": "Premier", "rank": 1, field: value}, format="json")
    assert response.status_code == 400 and field in response.json()


def test_a_taken_rank_is_a_400(api_for, kam_admin):
    PricingTierFactory(name="Gold", rank=1)
    assert api_for(kam_admin).post(LIST, {"name": "Premier", "rank": 1}, format="json").status_code == 400


def test_admin_edits_and_account_manager_cannot(api_for, kam_admin, account_manager):
    gold = PricingTierFactory(name="Gold", rank=1)
    assert api_for(account_manager).patch(detail(gold), {"privileges": "x"}, format="json").status_code == 403
    assert api_for(kam_admin).patch(detail(gold), {"privileges": "Free 24/7 support"}, format="json").status_code == 200
    gold.refresh_from_db()
    assert gold.privileges == "Free 24/7 support"


@pytest.mark.parametrize("size", [3, 50])
def test_pricing_tier_list_query_count_is_fixed(api_for, account_manager, django_assert_max_num_queries, size):
    for _ in range(size):
        PricingTierFactory()
    client = api_for(account_manager)
    with django_assert_max_num_queries(3):
        assert len(client.get(LIST, {"page_size": 100}).json()["results"]) == size


def test_the_discount_follows_the_rank(api_for, kam_admin):
    PricingTierFactory(name="Gold", rank=1, discount_percent=10)
    PricingTierFactory(name="Premier", rank=3, discount_percent=3)
    client = api_for(kam_admin)
    above = client.post(LIST, {"name": "Silver", "rank": 2, "discount_percent": 12}, format="json")
    assert above.status_code == 400 and "higher grade Gold" in str(above.json())
    below = client.post(LIST, {"name": "Silver", "rank": 2, "discount_percent": 2}, format="json")
    assert below.status_code == 400 and "lower grade Premier" in str(below.json())
    assert not PricingTier.objects.filter(name="Silver").exists()
    assert client.post(LIST, {"name": "Silver", "rank": 2, "discount_percent": 7}, format="json").status_code == 201


def test_admin_form_refuses_a_discount_out_of_rank_order(client_for, kam_admin):
    from django.urls import reverse

    kam_admin.is_staff = True
    kam_admin.save()
    gold = PricingTierFactory(name="Gold", rank=1, discount_percent=10)
    PricingTierFactory(name="Silver", rank=2, discount_percent=7)
    response = client_for(kam_admin).post(
        reverse("admin:accounts_pricingtier_change", args=[gold.pk]),
        {"name": "Gold", "rank": 1, "discount_percent": "5", "min_annual_amount": "0", "privileges": ""},
    )
    assert response.status_code == 200 and "lower grade Silver" in response.text
    gold.refresh_from_db()
    assert gold.discount_percent == 10


def test_demo_grades_follow_the_seed_gold_above_silver_above_premier():
    from demo.accounts_content import PRICING_TIERS

    assert [(name, rank) for name, rank, *_rest in PRICING_TIERS] == [("Gold", 1), ("Silver", 2), ("Premier", 3)]
    discounts = [float(discount) for _name, _rank, discount, *_rest in PRICING_TIERS]
    assert discounts == sorted(discounts, reverse=True)
