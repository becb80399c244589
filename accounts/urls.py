from django.urls import path

from accounts.views import account360, interactions, lists, organisation

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
    # The organisation workspace: our matrix, account teams, people, handovers, history.
    path("organisation/", organisation.matrix, name="organisation"),
    path("organisation/units/new/", organisation.unit_create, name="organisation-unit-add"),
    path("organisation/units/<int:unit_id>/rename/", organisation.unit_rename, name="organisation-unit-rename"),
    path("organisation/units/<int:unit_id>/merge/", organisation.unit_merge, name="organisation-unit-merge"),
    path("organisation/units/<int:unit_id>/close/", organisation.unit_close, name="organisation-unit-close"),
    path("organisation/accounts/<int:account_id>/move/", organisation.account_move, name="organisation-account-move"),
    path("organisation/accounts/<int:account_id>/team/", organisation.team_edit, name="organisation-team"),
    path(
        "organisation/accounts/<int:account_id>/team/<int:member_id>/remove/",
        organisation.team_member_remove,
        name="organisation-team-remove",
    ),
    path("organisation/people/", organisation.people, name="organisation-people"),
    path("organisation/people/invite/", organisation.person_invite, name="organisation-invite"),
    path("welcome/<uidb64>/<token>/", organisation.WelcomeView.as_view(), name="welcome"),
    path("welcome/done/", organisation.WelcomeDoneView.as_view(), name="welcome-done"),
    path("organisation/people/<int:user_id>/level/", organisation.person_level, name="organisation-person-level"),
    path("organisation/people/<int:user_id>/handover/", organisation.person_handover, name="organisation-handover"),
    path("organisation/people/<int:user_id>/deactivate/", organisation.person_deactivate, name="organisation-deactivate"),
    path("organisation/coverage/", organisation.coverage, name="organisation-coverage"),
    path("organisation/mapping/", organisation.mapping_import, name="organisation-mapping"),
    path("organisation/mapping/commit/", organisation.mapping_commit, name="organisation-mapping-commit"),
    path("organisation/mapping/export.csv", organisation.mapping_export, name="organisation-mapping-export"),
    path("organisation/history/", organisation.history, name="organisation-history"),
]
