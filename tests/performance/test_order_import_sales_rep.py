"""The order import's sales rep column (영업 담당): a user name or e-mail, under an English or Korean ERP header;
an unknown one is a row error and nothing is imported."""

import pytest

from accounts.models import Order
from performance.models import ImportBatch
from tests.factories import OfferingFactory, UserFactory
from tests.performance.test_imports import commit, csv_file, errors_of, preview

pytestmark = pytest.mark.django_db


@pytest.fixture
def cloud():
    return OfferingFactory(name="Cloud")


def test_orders_carry_their_sales_rep_by_user_name_or_e_mail(client_for, account, account_manager, cloud):
    lee = UserFactory(username="lee", email="Minho.Lee@example.com")
    text = (
        "고객사,수주번호,수주일,품목,수주금액,영업담당자\n"
        "한빛전자,SO-1,2025-04-01,Cloud,1000,lee\n"
        "한빛전자,SO-2,2025-04-02,Cloud,2000,minho.lee@EXAMPLE.com\n"
        "한빛전자,SO-3,2025-04-03,Cloud,3000,\n"
    )
    client = client_for(account_manager)
    batch = preview(client, csv_file(text))
    assert batch.error_count == 0, errors_of(batch)
    commit(client, batch)
    assert dict(Order.objects.values_list("reference", "sales_rep")) == {"SO-1": lee.pk, "SO-2": lee.pk, "SO-3": None}


def test_an_unknown_sales_rep_is_a_row_error_and_nothing_is_imported(client_for, account, account_manager, cloud):
    UserFactory(username="gone", is_active=False)
    text = (
        "account,reference,ordered_on,offering,amount,sales_rep\n"
        "한빛전자,SO-1,2025-04-01,Cloud,1000,nobody\n"
        "한빛전자,SO-2,2025-04-02,Cloud,2000,gone\n"
        f"한빛전자,SO-3,2025-04-03,Cloud,3000,{account_manager.username}\n"
    )
    client = client_for(account_manager)
    batch = preview(client, csv_file(text))
    assert errors_of(batch) == [
        (2, "sales_rep", "No active user with the user name or e-mail “nobody”."),
        (3, "sales_rep", "No active user with the user name or e-mail “gone”."),
    ]
    commit(client, batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED and not Order.objects.exists()
