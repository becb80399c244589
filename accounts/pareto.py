"""The Pareto rule that selects key accounts, in one place for the stored class and the live view."""

from decimal import Decimal

KEY_ACCOUNT_SHARE = Decimal("0.80")
CLASS_B_SHARE = Decimal("0.95")


def pareto_class(*, revenue: Decimal, share_before: Decimal) -> str:
    """A, B or C for an account, given the revenue share of the larger accounts ranked before it.

    An account is in A while the share *before* it is under 80 %: the account that crosses the
    line belongs to the set that makes 80 %. B is the next 15 %, C the rest and every account
    without revenue.
    """
    if revenue > 0 and share_before < KEY_ACCOUNT_SHARE:
        return "A"
    if revenue > 0 and share_before < CLASS_B_SHARE:
        return "B"
    return "C"
