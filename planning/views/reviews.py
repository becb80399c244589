"""Quarterly review pages: start one, read and comment on it, sign it off, record resource spending, refresh its figures."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core import params
from planning import forms, grants
from planning.selectors import kpis, plans, versions
from planning.services import reviews

from .plans import _first_error, _plan_context


@require_POST
def review_create(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The KAM creates this quarter's review (the scheduled sweep calls the same service)."""
    plan = plans.plan_get_for_user(user=request.user, plan_id=plan_id)
    if not plans.user_can_edit_plan(user=request.user, plan=plan):
        raise PermissionDenied
    quarter = params.parse_quarter(request.POST.get("quarter", ""))
    if quarter is None:
        quarter = plan.quarter_containing(timezone.localdate())
        if quarter is None:
            messages.error(request, _("Today is outside this plan's fiscal year: choose the quarter."))
            return redirect("planning:plan-step", plan_id=plan.pk, step=6)
    try:
        review, created = reviews.quarterly_review_create(plan=plan, quarter=int(quarter), acting_user=request.user)
    except ValidationError as error:
        messages.error(request, _first_error(error))
        return redirect("planning:plan-step", plan_id=plan.pk, step=6)
    if created:
        messages.success(request, _("The review of Q%(quarter)s was created.") % {"quarter": review.quarter})
    else:
        messages.info(request, _("Q%(quarter)s already had a review: here it is.") % {"quarter": review.quarter})
    return redirect("planning:review-detail", plan_id=plan.pk, quarter=review.quarter)


@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, plan_id: int, quarter: int) -> HttpResponse:
    """One quarterly review: targets against actuals, comments, sign-off."""
    plan = plans.plan_get_for_user(user=request.user, plan_id=plan_id)
    review = versions.review_get(plan=plan, quarter=quarter)
    form = forms.ReviewCommentForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            reviews.review_comment_add(review=review, text=form.cleaned_data["text"], acting_user=request.user)
            messages.success(request, _("Your comment was added."))
            return redirect("planning:review-detail", plan_id=plan.pk, quarter=quarter)
        messages.error(request, _("Write a comment first. Nothing was saved."))
    context = _plan_context(request, plan)
    context.update({
        "review": review,
        "year_to_date": kpis.review_year_to_date_rows(snapshot=review.kpi_snapshot),
        "form": form,
        # Only an open review is signed off: a signed-off one does not read the version's authors.
        "may_sign_off": review.status == review.Status.OPEN and reviews.review_sign_off_allowed(
            review=review, user=request.user),
        "grant_use": grants.grant_use(plan, until=review.period_end),
        "spend_form": forms.SpendForm() if context["can_edit"] else None,
    })
    return render(request, "planning/review_detail.html", context, status=400 if form.errors else 200)


@require_POST
def review_sign_off(request: HttpRequest, plan_id: int, quarter: int) -> HttpResponse:
    plan = plans.plan_get_for_user(user=request.user, plan_id=plan_id)
    review = versions.review_get(plan=plan, quarter=quarter)
    try:
        reviews.quarterly_review_sign_off(
            review=review, acting_user=request.user, comment=request.POST.get("comment", "")[:5000]
        )
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, _("The review of Q%(quarter)s is signed off.") % {"quarter": quarter})
    return redirect("planning:review-detail", plan_id=plan.pk, quarter=quarter)


@require_POST
def review_spend_add(request: HttpRequest, plan_id: int, quarter: int) -> HttpResponse:
    """The account team records budget spent against a grant of the approved plan."""
    plan = plans.plan_get_for_user(user=request.user, plan_id=plan_id)
    review = versions.review_get(plan=plan, quarter=quarter)
    if not plans.user_can_edit_plan(user=request.user, plan=plan):
        raise PermissionDenied
    form = forms.SpendForm(request.POST)
    grant = next((g for g in grants.plan_grants(plan) if str(g.pk) == request.POST.get("grant", "")), None)
    if grant is None or not form.is_valid():
        messages.error(request, _("Choose a granted budget, a date and an amount. Nothing was saved."))
    else:
        try:
            grants.resource_spend_add(grant=grant, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            messages.success(request, _("The budget spent was recorded."))
    return redirect("planning:review-detail", plan_id=plan.pk, quarter=review.quarter)


@require_POST
def review_refresh(request: HttpRequest, plan_id: int, quarter: int) -> HttpResponse:
    plan = plans.plan_get_for_user(user=request.user, plan_id=plan_id)
    review = versions.review_get(plan=plan, quarter=quarter)
    try:
        reviews.quarterly_review_refresh(review=review, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        messages.success(request, _("The figures were taken again."))
    return redirect("planning:review-detail", plan_id=plan.pk, quarter=quarter)
