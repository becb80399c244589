"""Number formatting for money, in the units each language reads best."""

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import get_language

register = template.Library()


@register.filter
def money(value, currency: str = "KRW") -> str:
    """A full amount with thousands separators: `KRW 1,234,000`; '–' when there is none."""
    if value is None or value == "":
        return "–"
    return f"{currency} {intcomma(int(Decimal(value)))}"


@register.filter
def compact_money(value) -> str:
    """A short amount for cards and boards: 12.3억 / 3,450만 in Korean, 1.2B / 345M in English."""
    if value is None or value == "":
        return "–"
    amount = Decimal(value)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if (get_language() or "en").startswith("ko"):
        if amount >= 100_000_000:
            return f"{sign}{amount / 100_000_000:,.1f}억"
        if amount >= 10_000:
            return f"{sign}{amount / 10_000:,.0f}만"
        return f"{sign}{amount:,.0f}"
    for limit, suffix in ((Decimal(10) ** 12, "T"), (Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 3, "K")):
        if amount >= limit:
            return f"{sign}{amount / limit:,.1f}{suffix}"
    return f"{sign}{amount:,.0f}"


@register.simple_tag(takes_context=True)
def page_url(context, page_number) -> str:
    """The current URL's query string with `page` replaced, so filters and search survive paging."""
    params = context["request"].GET.copy()
    params["page"] = page_number
    return "?" + params.urlencode()


@register.inclusion_tag("includes/sort_link.html", takes_context=True)
def sort_link(context, field: str, label: str, default_descending: bool = False) -> dict:
    """A column header that sorts by `field`, and reverses the order when it already does."""
    current = context["request"].GET.get("sort", "")
    params = context["request"].GET.copy()
    params.pop("page", None)
    if current == field:
        params["sort"] = f"-{field}"
    elif current == f"-{field}":
        params["sort"] = field
    else:
        params["sort"] = f"-{field}" if default_descending else field
    direction = "asc" if current == field else "desc" if current == f"-{field}" else ""
    return {"url": "?" + params.urlencode(), "label": label, "direction": direction}


@register.filter
def person_name(user) -> str:
    """A person's name the one way the site writes it (family name first for Korean names)."""
    from accounts.models import person_name as name

    return name(user)


@register.filter
def plain_number(value) -> str:
    """A number as people write it: 40 not 40.0000, 1,234.5 with thousands separators; '–' when there is none."""
    if value is None or value == "":
        return "–"
    try:
        number = Decimal(str(value)).normalize()
    except ArithmeticError:
        return str(value)
    return f"{number:,f}"
