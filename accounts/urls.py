from django.urls import path

from accounts.views import account360, interactions, lists

app_name = "accounts"

urlpatterns = [
    path("", lists.home, name="home"),
    path("pareto/", lists.pareto, name="pareto"),
    path("accounts/<int:account_id>/key-account/", lists.key_account_flag, name="key-account-flag"),
    path("accounts/<int:account_id>/", account360.account_detail, name="detail"),
    path("accounts/<int:account_id>/org-chart/", account360.org_chart, name="org-chart"),
    path("accounts/<int:account_id>/org-chart/people/new/", account360.contact_edit, name="contact-add"),
    path("accounts/<int:account_id>/org-chart/people/<int:contact_id>/", account360.contact_edit, name="contact-edit"),
    path(
        "accounts/<int:account_id>/org-chart/people/<int:contact_id>/reports-to/",
        account360.contact_reports_to,
        name="contact-reports-to",
    ),
    path("accounts/<int:account_id>/org-chart/units/new/", account360.org_unit_edit, name="org-unit-add"),
    path("accounts/<int:account_id>/org-chart/units/<int:unit_id>/", account360.org_unit_edit, name="org-unit-edit"),
    path("accounts/<int:account_id>/relationships/", account360.relationships, name="relationships"),
    path("accounts/<int:account_id>/relationships/new/", account360.relationship_edit, name="relationship-add"),
    path(
        "accounts/<int:account_id>/relationships/<int:relationship_id>/",
        account360.relationship_edit,
        name="relationship-edit",
    ),
    path("accounts/<int:account_id>/opportunities/", account360.opportunities, name="opportunities"),
    path("accounts/<int:account_id>/opportunities/new/", account360.opportunity_edit, name="opportunity-add"),
    path(
        "accounts/<int:account_id>/opportunities/<int:opportunity_id>/",
        account360.opportunity_edit,
        name="opportunity-edit",
    ),
    path(
        "accounts/<int:account_id>/opportunities/<int:opportunity_id>/move/",
        account360.opportunity_move,
        name="opportunity-move",
    ),
    path("accounts/<int:account_id>/whitespace/", account360.whitespace, name="whitespace"),
    path(
        "accounts/<int:account_id>/whitespace/<int:unit_id>/<int:offering_id>/",
        account360.unmet_need_edit,
        name="unmet-need",
    ),
    path("accounts/<int:account_id>/pricing/", account360.pricing, name="pricing"),
    path("accounts/<int:account_id>/pricing/grade/", account360.grade_change, name="grade-change"),
    path("accounts/<int:account_id>/experience/", account360.experience, name="experience"),
    path("accounts/<int:account_id>/experience/new/", account360.activity_edit, name="activity-add"),
    path("accounts/<int:account_id>/experience/<int:activity_id>/", account360.activity_edit, name="activity-edit"),
    path("accounts/<int:account_id>/timeline/", interactions.timeline, name="timeline"),
    path("accounts/<int:account_id>/interactions/new/", interactions.interaction_edit, name="interaction-add"),
    path(
        "accounts/<int:account_id>/interactions/<int:interaction_id>/",
        interactions.interaction_edit,
        name="interaction-edit",
    ),
]
