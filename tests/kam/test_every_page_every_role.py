"""Every URL pattern × every role, on the account's team and off it, answers as the tables below
say, so a new view cannot ship unprotected: a pattern missing from a table fails the test until
someone writes down who may open it (EXPECTED, GET) and who may write through it (WRITES). Path
converters are filled with ids of real objects (tests.factories.build_site_world).

Roles (columns), as `accounts.permissions` defines them; "the account" is the world's account:
  anon     not signed in
  admin    Admin
  exec     Executive on no team: reads everything, writes nothing, decides plans and sign-offs
  sponsor  Executive on the account's team as executive sponsor: reads everything, records
           customer activities on the account, writes nothing else
  am       Account manager on the account's team as KAM (author of its submitted plan)
  am2      Account manager off the account's team (KAM of another account, owner of last
           year's approved plan there: the review routes use that plan)
  sales    sales rep on the account's team
  eng      engineer on the account's team
Answers: 200, 201, 204, 302 (to the sign-in page for anon; elsewhere a view's own redirect),
400 (a write its author may make, refused for its empty body), 401 (API without credentials),
403 (seen, not the role's to write), 404 (an account the user cannot see), 405 (a method the
route does not take), 415 (a JSON action sent a form body).
"""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import URLResolver, get_resolver

from tests.factories import build_site_world

pytestmark = pytest.mark.django_db

ROLES = ("anon", "admin", "exec", "sponsor", "am", "am2", "sales", "eng")


def _row(anon, admin, exec_, sponsor, am, am2, sales, eng) -> dict[str, int]:
    return dict(zip(ROLES, (anon, admin, exec_, sponsor, am, am2, sales, eng), strict=True))


#                                                        anon adm  exec spon am   am2  sale eng
EXPECTED: dict[str, dict[str, int]] = {
    '':                                                              _row(302, 200, 200, 200, 200, 200, 200, 200),
    'pareto/':                                                       _row(302, 200, 200, 200, 200, 200, 200, 200),
    'accounts/<int:account_id>/key-account/':                        _row(302, 405, 405, 405, 405, 405, 405, 405),
    'accounts/<int:account_id>/':                                    _row(302, 200, 200, 200, 200, 404, 200, 200),
    'accounts/<int:account_id>/status/':                             _row(302, 200, 403, 403, 403, 404, 403, 403),  # admins set the lifecycle
    'accounts/<int:account_id>/risks/new/':                          _row(302, 200, 403, 403, 200, 404, 200, 200),
    'accounts/<int:account_id>/risks/<int:risk_id>/':                _row(302, 200, 403, 403, 200, 404, 200, 200),
    'accounts/<int:account_id>/org-chart/':                          _row(302, 200, 200, 200, 200, 404, 200, 200),
    'accounts/<int:account_id>/org-chart/people/new/':               _row(302, 200, 403, 403, 200, 404, 200, 200),
    'accounts/<int:account_id>/org-chart/people/<int:contact_id>/':  _row(302, 200, 403, 403, 200, 404, 200, 200),
    'accounts/<int:account_id>/org-chart/people/<int:contact_id>/reports-to/': _row(302, 405, 405, 405, 405, 405, 405, 405),
    'accounts/<int:account_id>/org-chart/units/new/':                _row(302, 200, 403, 403, 200, 404, 200, 200),
    'accounts/<int:account_id>/org-chart/units/<int:unit_id>/':      _row(302, 200, 403, 403, 200, 404, 200, 200),
    'accounts/<int:account_id>/relationships/':                      _row(302, 200, 200, 200, 200, 404, 200, 200),
    'accounts/<int:account_id>/relationships/new/':                  _row(302, 200, 403, 403, 200, 404, 200, 200),
    'accounts/<int:account_id>/relationships/<int:relationship_id>/': _row(302, 200, 403, 403, 200, 404, 200, 200),
    'accounts/<int:account_id>/opportunities/':                      _row(302, 200, 200, 200, 200, 404, 200, 200),
    'accounts/<int:account_id>/opportunities/new/':                  _row(302, 200, 403, 403, 200, 404, 200, 200),
    'accounts/<int:account_id>/opportunities/<int:opportunity_id>/': _row(302, 200, 403, 403, 200, 404, 200, 200),
    'accounts/<int:account_id>/opportunities/<int:opportunity_id>/move/': _row(302, 405, 405, 405, 405, 405, 405, 405),
    'accounts/<int:account_id>/whitespace/':                         _row(302, 200, 200, 200, 200, 404, 200, 200),
    'accounts/<int:account_id>/whitespace/<int:unit_id>/<int:offering_id>/': _row(302, 200, 403, 403, 200, 404, 200, 200),
    'accounts/<int:account_id>/pricing/':                            _row(302, 200, 200, 200, 200, 404, 200, 200),
    'accounts/<int:account_id>/pricing/grade/':                      _row(302, 200, 403, 403, 200, 404, 200, 200),
    'accounts/<int:account_id>/experience/':                         _row(302, 200, 200, 200, 200, 404, 200, 200),
    'accounts/<int:account_id>/experience/new/':                     _row(302, 200, 403, 200, 200, 404, 200, 200),
    'accounts/<int:account_id>/experience/<int:activity_id>/':       _row(302, 200, 403, 200, 200, 404, 200, 200),
    'accounts/<int:account_id>/timeline/':                           _row(302, 200, 200, 200, 200, 404, 200, 200),
    # The team (an executive sponsor included) and admins record interactions; for anyone else the form does not exist.
    'accounts/<int:account_id>/interactions/new/':                   _row(302, 200, 404, 200, 200, 404, 200, 200),
    'accounts/<int:account_id>/interactions/<int:interaction_id>/':  _row(302, 200, 404, 200, 200, 404, 200, 200),
    'organisation/':                                                 _row(302, 200, 200, 200, 200, 200, 200, 200),  # account managers, sales reps, engineers: their own teams, read only
    'organisation/units/new/':                                       _row(302, 200, 403, 403, 403, 403, 403, 403),  # only admins change the organisation
    'organisation/units/<int:unit_id>/rename/':                      _row(302, 200, 403, 403, 403, 403, 403, 403),
    'organisation/units/<int:unit_id>/merge/':                       _row(302, 200, 403, 403, 403, 403, 403, 403),
    'organisation/units/<int:unit_id>/close/':                       _row(302, 200, 403, 403, 403, 403, 403, 403),
    'organisation/accounts/<int:account_id>/move/':                  _row(302, 200, 403, 403, 403, 403, 403, 403),
    'organisation/accounts/<int:account_id>/team/':                  _row(302, 200, 403, 403, 403, 403, 403, 403),
    'organisation/accounts/<int:account_id>/team/<int:member_id>/remove/': _row(302, 405, 405, 405, 405, 405, 405, 405),
    'organisation/people/':                                          _row(302, 200, 200, 200, 403, 403, 403, 403),  # admins and executives see the whole organisation
    'organisation/people/invite/':                                   _row(302, 200, 403, 403, 403, 403, 403, 403),
    'organisation/people/<int:user_id>/level/':                      _row(302, 200, 403, 403, 403, 403, 403, 403),
    'organisation/people/<int:user_id>/handover/':                   _row(302, 200, 403, 403, 403, 403, 403, 403),
    'organisation/people/<int:user_id>/deactivate/':                 _row(302, 200, 403, 403, 403, 403, 403, 403),
    'organisation/coverage/':                                        _row(302, 200, 200, 200, 403, 403, 403, 403),
    'organisation/mapping/':                                         _row(302, 200, 403, 403, 403, 403, 403, 403),
    'organisation/mapping/commit/':                                  _row(302, 405, 405, 405, 405, 405, 405, 405),
    'organisation/mapping/export.csv':                               _row(302, 200, 200, 200, 403, 403, 403, 403),
    'organisation/history/':                                         _row(302, 200, 200, 200, 403, 403, 403, 403),
    'welcome/<uidb64>/<token>/':                                     _row(200, 200, 200, 200, 200, 200, 200, 200),  # an invited person sets a password; an invalid link says so
    'welcome/done/':                                                 _row(200, 200, 200, 200, 200, 200, 200, 200),
    'plans/':                                                        _row(302, 200, 200, 200, 200, 200, 200, 200),
    'plans/new/':                                                    _row(302, 200, 200, 200, 200, 200, 200, 200),
    'plans/<int:plan_id>/':                                          _row(302, 200, 200, 200, 200, 404, 200, 200),
    'plans/<int:plan_id>/now/':                                      _row(302, 200, 200, 200, 200, 404, 200, 200),  # the overview's "Now" panel: as the overview
    'plans/<int:plan_id>/step/<int:step>/':                          _row(302, 200, 200, 200, 200, 404, 200, 200),
    # Without htmx (a browser without JavaScript): step 4 with its targets grid in place, as the step.
    'plans/<int:plan_id>/step/4/targets/':                           _row(302, 200, 200, 200, 200, 404, 200, 200),
    # The world's plan is submitted: step 4 cannot change, so no one fetches its folded months.
    'plans/<int:plan_id>/step/4/months/<int:kpi_id>/':               _row(302, 404, 403, 403, 404, 404, 404, 404),
    'plans/<int:plan_id>/submit/':                                   _row(302, 405, 405, 405, 405, 405, 405, 405),
    'plans/<int:plan_id>/revise/':                                   _row(302, 405, 405, 405, 405, 405, 405, 405),
    'plans/<int:plan_id>/close/':                                    _row(302, 405, 405, 405, 405, 405, 405, 405),
    'plans/<int:plan_id>/next-year/':                                _row(302, 200, 403, 403, 200, 404, 200, 200),
    'plans/<int:plan_id>/history/':                                  _row(302, 200, 200, 200, 200, 404, 200, 200),
    'plans/<int:plan_id>/compare/':                                  _row(302, 200, 200, 200, 200, 404, 200, 200),
    'plans/<int:plan_id>/versions/<int:number>/':                    _row(302, 200, 200, 200, 200, 404, 200, 200),
    'plans/<int:plan_id>/export.pdf':                                _row(302, 200, 200, 200, 200, 404, 200, 200),
    'plans/<int:plan_id>/export.xlsx':                               _row(302, 200, 200, 200, 200, 404, 200, 200),
    'plans/<int:plan_id>/pdfs/<int:pdf_id>/status/':                 _row(302, 200, 200, 200, 200, 404, 200, 200),
    'plans/<int:plan_id>/pdfs/<int:pdf_id>/file/':                   _row(302, 200, 200, 200, 200, 404, 200, 200),
    'plans/<int:plan_id>/pdfs/<int:pdf_id>/retry/':                  _row(302, 405, 405, 405, 405, 405, 405, 405),
    'plans/<int:plan_id>/attachments/':                              _row(302, 405, 405, 405, 405, 405, 405, 405),
    'plans/<int:plan_id>/attachments/<int:attachment_id>/':          _row(302, 200, 200, 200, 200, 404, 200, 200),
    'plans/<int:plan_id>/attachments/<int:attachment_id>/delete/':   _row(302, 405, 405, 405, 405, 405, 405, 405),
    'plans/<int:plan_id>/reviews/':                                  _row(302, 405, 405, 405, 405, 405, 405, 405),
    'plans/<int:plan_id>/reviews/q<int:quarter>/':                   _row(302, 200, 200, 200, 404, 200, 404, 404),
    'plans/<int:plan_id>/reviews/q<int:quarter>/sign-off/':          _row(302, 405, 405, 405, 405, 405, 405, 405),
    'plans/<int:plan_id>/reviews/q<int:quarter>/refresh/':           _row(302, 405, 405, 405, 405, 405, 405, 405),
    'meetings/':                                                     _row(302, 403, 200, 200, 403, 403, 403, 403),
    'meetings/new/':                                                 _row(302, 403, 200, 200, 403, 403, 403, 403),
    'meetings/<int:meeting_id>/':                                    _row(302, 403, 200, 200, 403, 403, 403, 403),
    'meetings/<int:meeting_id>/agenda/':                             _row(302, 405, 405, 405, 405, 405, 405, 405),
    'meetings/<int:meeting_id>/agenda/<int:item_id>/remove/':        _row(302, 405, 405, 405, 405, 405, 405, 405),
    'meetings/<int:meeting_id>/items/<int:item_id>/':                _row(302, 403, 200, 200, 403, 403, 403, 403),
    'plans/<int:plan_id>/reviews/q<int:quarter>/spend/':             _row(302, 405, 405, 405, 405, 405, 405, 405),
    'meetings/<int:meeting_id>/agenda/<int:item_id>/move/':          _row(302, 405, 405, 405, 405, 405, 405, 405),
    'meetings/<int:meeting_id>/start/':                              _row(302, 405, 405, 405, 405, 405, 405, 405),
    'meetings/<int:meeting_id>/close/':                              _row(302, 405, 405, 405, 405, 405, 405, 405),
    'meetings/<int:meeting_id>/minutes/':                            _row(302, 405, 405, 405, 405, 405, 405, 405),
    'meetings/<int:meeting_id>/attendees/':                          _row(302, 405, 405, 405, 405, 405, 405, 405),
    'meetings/<int:meeting_id>/attendees/<int:attendee_id>/remove/': _row(302, 405, 405, 405, 405, 405, 405, 405),
    'meetings/<int:meeting_id>/meeting.ics':                         _row(302, 403, 200, 200, 200, 403, 403, 403),  # executives and attendees (am is the KAM)
    'meetings/<int:meeting_id>/items/<int:item_id>/opinion/':        _row(302, 405, 405, 405, 405, 405, 405, 405),
    'meetings/<int:meeting_id>/items/<int:item_id>/minutes/':        _row(302, 405, 405, 405, 405, 405, 405, 405),
    'performance/':                                                  _row(302, 200, 200, 200, 200, 200, 200, 200),
    'performance/refresh/':                                          _row(302, 405, 405, 405, 405, 405, 405, 405),
    'performance/kpis/':                                             _row(302, 200, 200, 200, 200, 200, 200, 200),
    'performance/accounts/<int:account_id>/':                        _row(302, 200, 200, 200, 200, 404, 200, 200),
    'performance/accounts/<int:account_id>/nps/':                    _row(302, 200, 200, 200, 200, 404, 200, 200),
    'performance/accounts/<int:account_id>/actuals/':                _row(302, 200, 200, 200, 200, 404, 200, 200),
    'performance/accounts/<int:account_id>/revenue/':                _row(302, 200, 200, 200, 200, 404, 200, 200),
    'performance/accounts/<int:account_id>/goals/':                  _row(302, 200, 200, 200, 200, 404, 200, 200),  # the team reads, the KAM writes
    'performance/import/':                                           _row(302, 200, 403, 403, 200, 200, 200, 200),
    'performance/import/<int:batch_id>/':                            _row(302, 200, 403, 403, 200, 404, 404, 404),  # am's own upload
    'performance/import/revenue/':                                   _row(302, 200, 403, 403, 200, 200, 200, 200),
    'login/':                                                        _row(200, 302, 302, 302, 302, 302, 302, 302),
    'logout/':                                                       _row(302, 405, 405, 405, 405, 405, 405, 405),
    'i18n/setlang/':                                                 _row(302, 302, 302, 302, 302, 302, 302, 302),
    'api/v1/accounts/':                                              _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/accounts/<int:pk>/':                                     _row(401, 200, 200, 200, 200, 404, 200, 200),
    'api/v1/accounts/<int:pk>/grade/':                               _row(401, 405, 405, 405, 405, 405, 405, 405),
    'api/v1/accounts/<int:pk>/lifecycle/':                           _row(401, 405, 403, 403, 403, 404, 403, 403),
    'api/v1/accounts/<int:pk>/grade-changes/':                       _row(401, 200, 200, 200, 200, 404, 200, 200),
    'api/v1/accounts/<int:pk>/key-account/':                         _row(401, 405, 405, 405, 403, 404, 403, 403),
    'api/v1/org-units/':                                             _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/org-units/<int:pk>/':                                    _row(401, 200, 200, 200, 200, 404, 200, 200),
    'api/v1/contacts/':                                              _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/contacts/<int:pk>/':                                     _row(401, 200, 200, 200, 200, 404, 200, 200),
    'api/v1/relationships/':                                         _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/relationships/<int:pk>/':                                _row(401, 200, 200, 200, 200, 404, 200, 200),
    'api/v1/opportunities/':                                         _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/opportunities/<int:pk>/':                                _row(401, 200, 200, 200, 200, 404, 200, 200),
    'api/v1/opportunities/<int:pk>/move/':                           _row(401, 405, 405, 405, 405, 405, 405, 405),
    'api/v1/opportunities/<int:pk>/moves/':                          _row(401, 200, 200, 200, 200, 404, 200, 200),
    'api/v1/offerings/':                                             _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/offerings/<int:pk>/':                                    _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/pricing-tiers/':                                         _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/pricing-tiers/<int:pk>/':                                _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/business-units/':                                        _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/business-units/<int:pk>/':                               _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/users/':                                                 _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/users/me/':                                              _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/users/<int:pk>/':                                        _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/orders/':                                                _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/orders/bulk/':                                           _row(401, 405, 405, 405, 405, 405, 405, 405),
    'api/v1/orders/<int:pk>/':                                       _row(401, 200, 200, 200, 200, 404, 200, 200),
    'api/v1/revenue-lines/':                                         _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/revenue-lines/bulk/':                                    _row(401, 405, 405, 405, 405, 405, 405, 405),
    'api/v1/revenue-lines/<int:pk>/':                                _row(401, 200, 200, 200, 200, 404, 200, 200),
    'api/v1/':                                                       _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/organisation-mapping/':                                  _row(401, 200, 200, 200, 403, 403, 403, 403),
    'api/v1/organisation-mapping/bulk/':                             _row(401, 405, 405, 405, 405, 405, 405, 405),
    'inbox/':                                                        _row(302, 200, 200, 200, 200, 200, 200, 200),
    'inbox/unread/':                                                 _row(302, 200, 200, 200, 200, 200, 200, 200),
    'inbox/read-all/':                                               _row(302, 405, 405, 405, 405, 405, 405, 405),
    'inbox/preferences/':                                            _row(302, 405, 405, 405, 405, 405, 405, 405),
    'inbox/<int:notification_id>/open/':                             _row(302, 405, 405, 405, 405, 405, 405, 405),
    'api/v1/unmet-needs/':                                           _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/unmet-needs/<int:pk>/':                                  _row(401, 200, 200, 200, 200, 404, 200, 200),
    'api/v1/customer-activities/':                                   _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/customer-activities/<int:pk>/':                          _row(401, 200, 200, 200, 200, 404, 200, 200),
    'api/v1/account-risks/':                                         _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/account-risks/<int:pk>/':                                _row(401, 200, 200, 200, 200, 404, 200, 200),
    'api/v1/interactions/':                                          _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/interactions/bulk/':                                     _row(401, 405, 405, 405, 405, 405, 405, 405),
    'api/v1/interactions/<int:pk>/':                                 _row(401, 200, 200, 200, 200, 404, 200, 200),
    'api/v1/kpi-definitions/':                                       _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/kpi-definitions/<int:pk>/':                              _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/kpi-targets/':                                           _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/kpi-targets/<int:pk>/':                                  _row(401, 200, 200, 200, 200, 404, 200, 200),
    'api/v1/manual-actuals/':                                        _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/manual-actuals/bulk/':                                   _row(401, 405, 405, 405, 405, 405, 405, 405),
    'api/v1/manual-actuals/<int:pk>/':                               _row(401, 200, 200, 200, 200, 404, 200, 200),
    'api/v1/nps-responses/':                                         _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/nps-responses/bulk/':                                    _row(401, 405, 405, 405, 405, 405, 405, 405),
    'api/v1/nps-responses/<int:pk>/':                                _row(401, 200, 200, 200, 200, 404, 200, 200),
    'api/v1/personal-goals/':                                        _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/personal-goals/bulk/':                                   _row(401, 405, 405, 405, 405, 405, 405, 405),
    'api/v1/personal-goals/<int:pk>/':                               _row(401, 200, 200, 200, 200, 404, 200, 200),
    'api/v1/kpi-actuals/':                                           _row(401, 400, 400, 400, 400, 400, 400, 400),  # account and period are required parameters
    'api/v1/plans/':                                                 _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/plans/<int:pk>/':                                        _row(401, 200, 200, 200, 200, 404, 200, 200),
    'api/v1/plans/<int:pk>/close/':                                  _row(401, 405, 405, 405, 405, 405, 405, 405),
    'api/v1/plans/<int:pk>/decide/':                                 _row(401, 405, 405, 405, 405, 405, 405, 405),
    'api/v1/plans/<int:pk>/revise/':                                 _row(401, 405, 405, 405, 405, 405, 405, 405),
    'api/v1/plans/<int:pk>/submit/':                                 _row(401, 405, 405, 405, 405, 405, 405, 405),
    'api/v1/quarterly-reviews/':                                     _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/quarterly-reviews/<int:pk>/':                            _row(401, 200, 200, 200, 404, 200, 404, 404),
    # Consensus meetings: executives only, as in the web (non-executives are refused before the method is looked at).
    'api/v1/meetings/':                                               _row(401, 403, 200, 200, 403, 403, 403, 403),
    'api/v1/meetings/<int:pk>/':                                      _row(401, 403, 200, 200, 403, 403, 403, 403),
    'api/v1/meetings/<int:pk>/close/':                                _row(401, 403, 405, 405, 403, 403, 403, 403),
    'api/v1/meetings/<int:pk>/minutes/':                              _row(401, 403, 405, 405, 403, 403, 403, 403),
    'api/v1/meetings/<int:pk>/start/':                                _row(401, 403, 405, 405, 403, 403, 403, 403),
    'api/v1/meeting-attendees/':                                      _row(401, 403, 200, 200, 403, 403, 403, 403),
    'api/v1/meeting-attendees/<int:pk>/':                             _row(401, 403, 200, 200, 403, 403, 403, 403),
    'api/v1/agenda-items/':                                           _row(401, 403, 200, 200, 403, 403, 403, 403),
    'api/v1/agenda-items/<int:pk>/':                                  _row(401, 403, 200, 200, 403, 403, 403, 403),
    'api/v1/agenda-items/<int:pk>/decide/':                           _row(401, 403, 405, 405, 403, 403, 403, 403),
    'api/v1/agenda-items/<int:pk>/minutes/':                          _row(401, 403, 405, 405, 403, 403, 403, 403),
    'api/v1/agenda-items/<int:pk>/move/':                             _row(401, 403, 405, 405, 403, 403, 403, 403),
    'api/v1/agenda-items/<int:pk>/opinion/':                          _row(401, 403, 405, 405, 403, 403, 403, 403),
    # Grants and spending of last year's approved plan (am2's account).
    'api/v1/resource-grants/':                                        _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/resource-grants/<int:pk>/':                               _row(401, 200, 200, 200, 404, 200, 404, 404),
    'api/v1/resource-spends/':                                        _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/v1/resource-spends/<int:pk>/':                               _row(401, 200, 200, 200, 404, 200, 404, 404),
    'api/schema/':                                                   _row(401, 200, 200, 200, 200, 200, 200, 200),
    'api/docs/':                                                     _row(302, 200, 200, 200, 200, 200, 200, 200),
}
# Every write: (method, route) -> each role's answer to an empty body (a form body on the web, JSON
# `{}` in the API), sent in a transaction that is rolled back, so no write changes the world. A
# role that may write gets its form back (200), the view's redirect (302) or the API's 400 for the
# empty body; a role that may not gets 403 where it sees the record, 404 where it does not.
WRITES: dict[tuple[str, str], dict[str, int]] = {
    #                                                                                           anon adm  exec spon am   am2  sale eng
    # executives choose key accounts (the Pareto view)
    ('POST', 'accounts/<int:account_id>/key-account/'):                                    _row(302, 302, 302, 302, 403, 404, 403, 403),
    # admins set an account's lifecycle; the account team and admins write its risk register
    ('POST', 'accounts/<int:account_id>/status/'):                                         _row(302, 200, 403, 403, 403, 404, 403, 403),
    ('POST', 'accounts/<int:account_id>/risks/new/'):                                      _row(302, 200, 403, 403, 200, 404, 200, 200),
    ('POST', 'accounts/<int:account_id>/risks/<int:risk_id>/'):                            _row(302, 200, 403, 403, 200, 404, 200, 200),
    ('POST', 'accounts/<int:account_id>/org-chart/people/new/'):                           _row(302, 200, 403, 403, 200, 404, 200, 200),
    ('POST', 'accounts/<int:account_id>/org-chart/people/<int:contact_id>/'):              _row(302, 200, 403, 403, 200, 404, 200, 200),
    ('POST', 'accounts/<int:account_id>/org-chart/people/<int:contact_id>/reports-to/'):   _row(302, 302, 403, 403, 302, 404, 302, 302),
    ('POST', 'accounts/<int:account_id>/org-chart/units/new/'):                            _row(302, 200, 403, 403, 200, 404, 200, 200),
    ('POST', 'accounts/<int:account_id>/org-chart/units/<int:unit_id>/'):                  _row(302, 200, 403, 403, 200, 404, 200, 200),
    ('POST', 'accounts/<int:account_id>/relationships/new/'):                              _row(302, 200, 403, 403, 200, 404, 200, 200),
    ('POST', 'accounts/<int:account_id>/relationships/<int:relationship_id>/'):            _row(302, 200, 403, 403, 200, 404, 200, 200),
    ('POST', 'accounts/<int:account_id>/opportunities/new/'):                              _row(302, 200, 403, 403, 200, 404, 200, 200),
    ('POST', 'accounts/<int:account_id>/opportunities/<int:opportunity_id>/'):             _row(302, 200, 403, 403, 200, 404, 200, 200),
    ('POST', 'accounts/<int:account_id>/opportunities/<int:opportunity_id>/move/'):        _row(302, 302, 403, 403, 302, 404, 302, 302),
    ('POST', 'accounts/<int:account_id>/whitespace/<int:unit_id>/<int:offering_id>/'):     _row(302, 200, 403, 403, 200, 404, 200, 200),
    ('POST', 'accounts/<int:account_id>/pricing/grade/'):                                  _row(302, 200, 403, 403, 200, 404, 200, 200),
    ('POST', 'accounts/<int:account_id>/experience/new/'):                                 _row(302, 200, 403, 200, 200, 404, 200, 200),
    ('POST', 'accounts/<int:account_id>/experience/<int:activity_id>/'):                   _row(302, 200, 403, 200, 200, 404, 200, 200),
    # interactions: the form does not exist for whoever may not record on the account (404)
    ('POST', 'accounts/<int:account_id>/interactions/new/'):                               _row(302, 200, 404, 200, 200, 404, 200, 200),
    ('POST', 'accounts/<int:account_id>/interactions/<int:interaction_id>/'):              _row(302, 200, 404, 200, 200, 404, 200, 200),
    # personal goals: the account's KAM (am) and admins split its targets; the rest of the team reads
    ('POST', 'performance/accounts/<int:account_id>/goals/'):                              _row(302, 302, 403, 403, 302, 404, 403, 403),
    ('POST', 'plans/new/'):                                                                _row(302, 200, 403, 403, 200, 200, 200, 200),
    ('POST', 'plans/<int:plan_id>/step/<int:step>/'):                                      _row(302, 302, 403, 403, 302, 404, 302, 302),
    ('POST', 'plans/<int:plan_id>/submit/'):                                               _row(302, 302, 403, 403, 302, 404, 302, 302),
    ('POST', 'plans/<int:plan_id>/revise/'):                                               _row(302, 302, 403, 403, 302, 404, 302, 302),
    ('POST', 'plans/<int:plan_id>/close/'):                                                _row(302, 302, 403, 403, 302, 404, 302, 302),
    ('POST', 'plans/<int:plan_id>/next-year/'):                                            _row(302, 200, 403, 403, 200, 404, 200, 200),
    ('POST', 'plans/<int:plan_id>/attachments/'):                                          _row(302, 302, 403, 403, 302, 404, 302, 302),
    ('POST', 'plans/<int:plan_id>/attachments/<int:attachment_id>/delete/'):               _row(302, 302, 403, 403, 302, 404, 302, 302),
    ('POST', 'plans/<int:plan_id>/pdfs/<int:pdf_id>/retry/'):                              _row(302, 302, 302, 302, 302, 404, 302, 302),  # whoever reads the plan may ask again
    ('POST', 'plans/<int:plan_id>/reviews/'):                                              _row(302, 302, 403, 403, 404, 302, 404, 404),
    ('POST', 'plans/<int:plan_id>/reviews/q<int:quarter>/'):                               _row(302, 200, 200, 200, 404, 200, 404, 404),
    ('POST', 'plans/<int:plan_id>/reviews/q<int:quarter>/sign-off/'):                      _row(302, 403, 302, 302, 404, 403, 404, 404),
    ('POST', 'plans/<int:plan_id>/reviews/q<int:quarter>/refresh/'):                       _row(302, 302, 403, 403, 404, 302, 404, 404),
    ('POST', 'plans/<int:plan_id>/reviews/q<int:quarter>/spend/'):                         _row(302, 302, 403, 403, 404, 302, 404, 404),
    ('POST', 'meetings/<int:meeting_id>/agenda/<int:item_id>/move/'):                      _row(302, 403, 302, 302, 403, 403, 403, 403),
    ('POST', 'meetings/<int:meeting_id>/start/'):                                          _row(302, 403, 302, 403, 403, 403, 403, 403),  # the chair
    ('POST', 'meetings/<int:meeting_id>/close/'):                                          _row(302, 403, 302, 302, 403, 403, 403, 403),
    ('POST', 'meetings/<int:meeting_id>/minutes/'):                                        _row(302, 403, 302, 302, 403, 403, 403, 403),
    ('POST', 'meetings/<int:meeting_id>/attendees/'):                                      _row(302, 403, 302, 302, 403, 403, 403, 403),
    ('POST', 'meetings/<int:meeting_id>/attendees/<int:attendee_id>/remove/'):             _row(302, 403, 302, 403, 403, 403, 403, 403),  # the chair
    ('POST', 'meetings/<int:meeting_id>/items/<int:item_id>/opinion/'):                    _row(302, 403, 400, 400, 403, 403, 403, 403),  # executives; an empty opinion is refused
    ('POST', 'meetings/<int:meeting_id>/items/<int:item_id>/minutes/'):                    _row(302, 403, 302, 302, 403, 403, 403, 403),
    ('POST', 'meetings/new/'):                                                             _row(302, 403, 200, 200, 403, 403, 403, 403),
    ('POST', 'meetings/<int:meeting_id>/agenda/'):                                         _row(302, 403, 302, 302, 403, 403, 403, 403),
    ('POST', 'meetings/<int:meeting_id>/agenda/<int:item_id>/remove/'):                    _row(302, 403, 302, 302, 403, 403, 403, 403),
    ('POST', 'meetings/<int:meeting_id>/items/<int:item_id>/'):                            _row(302, 403, 400, 400, 403, 403, 403, 403),
    ('POST', 'performance/refresh/'):                                                      _row(302, 302, 403, 403, 403, 403, 403, 403),
    ('POST', 'performance/accounts/<int:account_id>/nps/'):                                _row(302, 400, 403, 403, 400, 404, 400, 400),
    ('POST', 'performance/accounts/<int:account_id>/actuals/'):                            _row(302, 400, 403, 403, 400, 404, 400, 400),
    ('POST', 'performance/import/'):                                                       _row(302, 400, 403, 403, 400, 400, 400, 400),
    ('POST', 'performance/import/<int:batch_id>/'):                                        _row(302, 302, 403, 403, 302, 404, 404, 404),
    ('POST', 'performance/import/revenue/'):                                               _row(302, 400, 403, 403, 400, 400, 400, 400),
    # only admins change the organisation (the team member removed is the engineer)
    ('POST', 'organisation/units/new/'):                                                   _row(302, 200, 403, 403, 403, 403, 403, 403),
    ('POST', 'organisation/units/<int:unit_id>/rename/'):                                  _row(302, 200, 403, 403, 403, 403, 403, 403),
    ('POST', 'organisation/units/<int:unit_id>/merge/'):                                   _row(302, 200, 403, 403, 403, 403, 403, 403),
    ('POST', 'organisation/units/<int:unit_id>/close/'):                                   _row(302, 200, 403, 403, 403, 403, 403, 403),
    ('POST', 'organisation/accounts/<int:account_id>/move/'):                              _row(302, 200, 403, 403, 403, 403, 403, 403),
    ('POST', 'organisation/accounts/<int:account_id>/team/'):                              _row(302, 200, 403, 403, 403, 403, 403, 403),
    ('POST', 'organisation/accounts/<int:account_id>/team/<int:member_id>/remove/'):       _row(302, 302, 403, 403, 403, 403, 403, 403),
    ('POST', 'organisation/people/invite/'):                                               _row(302, 200, 403, 403, 403, 403, 403, 403),
    ('POST', 'organisation/people/<int:user_id>/level/'):                                  _row(302, 200, 403, 403, 403, 403, 403, 403),
    ('POST', 'organisation/people/<int:user_id>/handover/'):                               _row(302, 200, 403, 403, 403, 403, 403, 403),
    ('POST', 'organisation/people/<int:user_id>/deactivate/'):                             _row(302, 200, 403, 403, 403, 403, 403, 403),  # `am` is a KAM: refused, with the reason
    ('POST', 'organisation/mapping/'):                                                     _row(302, 200, 403, 403, 403, 403, 403, 403),
    ('POST', 'organisation/mapping/commit/'):                                              _row(302, 302, 403, 403, 403, 403, 403, 403),
    ('POST', 'welcome/<uidb64>/<token>/'):                                                 _row(200, 200, 200, 200, 200, 200, 200, 200),  # the link is not valid: the page says so, nothing is set
    ('POST', 'inbox/read-all/'):                                                           _row(302, 302, 302, 302, 302, 302, 302, 302),
    ('POST', 'inbox/preferences/'):                                                        _row(302, 302, 302, 302, 302, 302, 302, 302),
    ('POST', 'inbox/<int:notification_id>/open/'):                                         _row(302, 404, 404, 404, 302, 404, 404, 404),
    ('POST', 'login/'):                                                                    _row(200, 302, 302, 302, 302, 302, 302, 302),
    ('POST', 'i18n/setlang/'):                                                             _row(302, 302, 302, 302, 302, 302, 302, 302),
    ('POST', 'api/v1/accounts/'):                                                          _row(401, 400, 403, 403, 403, 403, 403, 403),
    ('PUT', 'api/v1/accounts/<int:pk>/'):                                                  _row(401, 400, 403, 403, 400, 404, 400, 400),
    ('PATCH', 'api/v1/accounts/<int:pk>/'):                                                _row(401, 200, 403, 403, 200, 404, 200, 200),
    ('POST', 'api/v1/accounts/<int:pk>/grade/'):                                           _row(401, 400, 403, 403, 400, 404, 400, 400),
    ('POST', 'api/v1/accounts/<int:pk>/lifecycle/'):                                       _row(401, 400, 403, 403, 403, 404, 403, 403),
    ('POST', 'api/v1/accounts/<int:pk>/key-account/'):                                     _row(401, 400, 400, 400, 403, 404, 403, 403),
    ('POST', 'api/v1/org-units/'):                                                         _row(401, 400, 403, 403, 400, 400, 400, 400),
    ('PUT', 'api/v1/org-units/<int:pk>/'):                                                 _row(401, 400, 403, 403, 400, 404, 400, 400),
    ('PATCH', 'api/v1/org-units/<int:pk>/'):                                               _row(401, 200, 403, 403, 200, 404, 200, 200),
    ('POST', 'api/v1/contacts/'):                                                          _row(401, 400, 403, 403, 400, 400, 400, 400),
    ('PUT', 'api/v1/contacts/<int:pk>/'):                                                  _row(401, 400, 403, 403, 400, 404, 400, 400),
    ('PATCH', 'api/v1/contacts/<int:pk>/'):                                                _row(401, 200, 403, 403, 200, 404, 200, 200),
    ('POST', 'api/v1/relationships/'):                                                     _row(401, 400, 403, 403, 400, 400, 400, 400),
    ('PUT', 'api/v1/relationships/<int:pk>/'):                                             _row(401, 400, 403, 403, 400, 404, 400, 400),
    ('PATCH', 'api/v1/relationships/<int:pk>/'):                                           _row(401, 200, 403, 403, 200, 404, 200, 200),
    ('DELETE', 'api/v1/relationships/<int:pk>/'):                                          _row(401, 204, 403, 403, 204, 404, 204, 204),
    ('POST', 'api/v1/opportunities/'):                                                     _row(401, 400, 403, 403, 400, 400, 400, 400),
    ('PUT', 'api/v1/opportunities/<int:pk>/'):                                             _row(401, 400, 403, 403, 400, 404, 400, 400),
    ('PATCH', 'api/v1/opportunities/<int:pk>/'):                                           _row(401, 200, 403, 403, 200, 404, 200, 200),
    ('POST', 'api/v1/opportunities/<int:pk>/move/'):                                       _row(401, 400, 403, 403, 400, 404, 400, 400),
    ('POST', 'api/v1/offerings/'):                                                         _row(401, 400, 403, 403, 403, 403, 403, 403),
    ('PUT', 'api/v1/offerings/<int:pk>/'):                                                 _row(401, 400, 403, 403, 403, 403, 403, 403),
    ('PATCH', 'api/v1/offerings/<int:pk>/'):                                               _row(401, 200, 403, 403, 403, 403, 403, 403),
    ('DELETE', 'api/v1/offerings/<int:pk>/'):                                              _row(401, 409, 403, 403, 403, 403, 403, 403),
    ('POST', 'api/v1/pricing-tiers/'):                                                     _row(401, 400, 403, 403, 403, 403, 403, 403),
    ('PUT', 'api/v1/pricing-tiers/<int:pk>/'):                                             _row(401, 400, 403, 403, 403, 403, 403, 403),
    ('PATCH', 'api/v1/pricing-tiers/<int:pk>/'):                                           _row(401, 200, 403, 403, 403, 403, 403, 403),
    ('DELETE', 'api/v1/pricing-tiers/<int:pk>/'):                                          _row(401, 204, 403, 403, 403, 403, 403, 403),
    ('POST', 'api/v1/unmet-needs/'):                                                       _row(401, 400, 403, 403, 400, 400, 400, 400),
    ('PUT', 'api/v1/unmet-needs/<int:pk>/'):                                               _row(401, 400, 403, 403, 400, 404, 400, 400),
    ('PATCH', 'api/v1/unmet-needs/<int:pk>/'):                                             _row(401, 200, 403, 403, 200, 404, 200, 200),
    ('DELETE', 'api/v1/unmet-needs/<int:pk>/'):                                            _row(401, 204, 403, 403, 204, 404, 204, 204),
    ('POST', 'api/v1/customer-activities/'):                                               _row(401, 400, 403, 400, 400, 400, 400, 400),
    ('PUT', 'api/v1/customer-activities/<int:pk>/'):                                       _row(401, 400, 403, 400, 400, 404, 400, 400),
    ('PATCH', 'api/v1/customer-activities/<int:pk>/'):                                     _row(401, 200, 403, 200, 200, 404, 200, 200),
    ('DELETE', 'api/v1/customer-activities/<int:pk>/'):                                    _row(401, 204, 403, 204, 204, 404, 204, 204),
    ('PATCH', 'api/v1/users/<int:pk>/'):                                                   _row(401, 200, 403, 403, 403, 403, 403, 403),  # admins set a level
    ('POST', 'api/v1/account-risks/'):                                                     _row(401, 400, 403, 403, 400, 400, 400, 400),
    ('PUT', 'api/v1/account-risks/<int:pk>/'):                                             _row(401, 400, 403, 403, 400, 404, 400, 400),
    ('PATCH', 'api/v1/account-risks/<int:pk>/'):                                           _row(401, 200, 403, 403, 200, 404, 200, 200),
    # interactions: an empty body is a 400 for everyone; a valid one on an account the user may not record on is a 404
    ('POST', 'api/v1/interactions/'):                                                      _row(401, 400, 400, 400, 400, 400, 400, 400),
    ('POST', 'api/v1/interactions/bulk/'):                                                 _row(401, 400, 400, 400, 400, 400, 400, 400),
    ('PUT', 'api/v1/interactions/<int:pk>/'):                                              _row(401, 400, 400, 400, 400, 404, 400, 400),
    ('PATCH', 'api/v1/interactions/<int:pk>/'):                                            _row(401, 200, 404, 200, 200, 404, 200, 200),
    ('DELETE', 'api/v1/interactions/<int:pk>/'):                                           _row(401, 204, 404, 204, 204, 404, 204, 204),
    ('POST', 'api/v1/orders/'):                                                            _row(401, 400, 403, 403, 400, 400, 400, 400),
    ('POST', 'api/v1/orders/bulk/'):                                                       _row(401, 400, 403, 403, 400, 400, 400, 400),
    ('PUT', 'api/v1/orders/<int:pk>/'):                                                    _row(401, 400, 403, 403, 400, 404, 400, 400),
    ('PATCH', 'api/v1/orders/<int:pk>/'):                                                  _row(401, 200, 403, 403, 200, 404, 200, 200),
    ('DELETE', 'api/v1/orders/<int:pk>/'):                                                 _row(401, 204, 403, 403, 204, 404, 204, 204),
    ('POST', 'api/v1/revenue-lines/'):                                                     _row(401, 400, 403, 403, 400, 400, 400, 400),
    ('POST', 'api/v1/revenue-lines/bulk/'):                                                _row(401, 400, 403, 403, 400, 400, 400, 400),
    ('PUT', 'api/v1/revenue-lines/<int:pk>/'):                                             _row(401, 400, 403, 403, 400, 404, 400, 400),
    ('PATCH', 'api/v1/revenue-lines/<int:pk>/'):                                           _row(401, 200, 403, 403, 200, 404, 200, 200),
    ('DELETE', 'api/v1/revenue-lines/<int:pk>/'):                                          _row(401, 204, 403, 403, 204, 404, 204, 204),
    ('POST', 'api/v1/kpi-definitions/'):                                                   _row(401, 400, 403, 403, 403, 403, 403, 403),
    ('PUT', 'api/v1/kpi-definitions/<int:pk>/'):                                           _row(401, 400, 403, 403, 403, 403, 403, 403),
    ('PATCH', 'api/v1/kpi-definitions/<int:pk>/'):                                         _row(401, 200, 403, 403, 403, 403, 403, 403),
    ('POST', 'api/v1/kpi-targets/'):                                                       _row(401, 400, 403, 403, 400, 400, 400, 400),
    ('DELETE', 'api/v1/kpi-targets/<int:pk>/'):                                            _row(401, 204, 403, 403, 204, 404, 204, 204),
    ('POST', 'api/v1/manual-actuals/'):                                                    _row(401, 400, 403, 403, 400, 400, 400, 400),
    ('POST', 'api/v1/manual-actuals/bulk/'):                                               _row(401, 400, 403, 403, 400, 400, 400, 400),
    ('POST', 'api/v1/personal-goals/'):                                                    _row(401, 400, 403, 403, 400, 400, 400, 400),
    ('POST', 'api/v1/personal-goals/bulk/'):                                               _row(401, 400, 403, 403, 400, 400, 400, 400),
    ('DELETE', 'api/v1/personal-goals/<int:pk>/'):                                         _row(401, 204, 403, 403, 204, 404, 403, 403),
    ('POST', 'api/v1/nps-responses/'):                                                     _row(401, 400, 403, 403, 400, 400, 400, 400),
    ('POST', 'api/v1/nps-responses/bulk/'):                                                _row(401, 400, 403, 403, 400, 400, 400, 400),
    ('POST', 'api/v1/organisation-mapping/bulk/'):                                         _row(401, 400, 403, 403, 403, 403, 403, 403),
    ('POST', 'api/v1/plans/<int:pk>/close/'):                                              _row(401, 400, 400, 400, 400, 404, 400, 400),
    ('POST', 'api/v1/plans/<int:pk>/decide/'):                                             _row(401, 403, 200, 200, 403, 404, 403, 403),
    ('POST', 'api/v1/plans/<int:pk>/revise/'):                                             _row(401, 400, 400, 400, 400, 404, 400, 400),
    ('POST', 'api/v1/plans/<int:pk>/submit/'):                                             _row(401, 400, 400, 400, 400, 404, 400, 400),
    ('POST', 'api/v1/meetings/'):                                                              _row(401, 403, 400, 400, 403, 403, 403, 403),  # consensus meetings: executives; the world's meeting is planned, chaired by exec
    ('PUT', 'api/v1/meetings/<int:pk>/'):                                                      _row(401, 403, 400, 403, 403, 403, 403, 403),  # the chair changes a planned meeting
    ('PATCH', 'api/v1/meetings/<int:pk>/'):                                                    _row(401, 403, 200, 403, 403, 403, 403, 403),
    ('POST', 'api/v1/meetings/<int:pk>/start/'):                                               _row(401, 403, 200, 403, 403, 403, 403, 403),
    ('POST', 'api/v1/meetings/<int:pk>/close/'):                                               _row(401, 403, 400, 400, 403, 403, 403, 403),  # not in session yet: refused for its state
    ('POST', 'api/v1/meetings/<int:pk>/minutes/'):                                             _row(401, 403, 400, 400, 403, 403, 403, 403),
    ('POST', 'api/v1/meeting-attendees/'):                                                     _row(401, 403, 400, 400, 403, 403, 403, 403),
    ('DELETE', 'api/v1/meeting-attendees/<int:pk>/'):                                          _row(401, 403, 204, 403, 403, 403, 403, 403),  # the chair takes the KAM off
    ('POST', 'api/v1/agenda-items/'):                                                          _row(401, 403, 400, 400, 403, 403, 403, 403),
    ('DELETE', 'api/v1/agenda-items/<int:pk>/'):                                               _row(401, 403, 204, 204, 403, 403, 403, 403),  # any executive edits the agenda
    ('POST', 'api/v1/agenda-items/<int:pk>/move/'):                                            _row(401, 403, 400, 400, 403, 403, 403, 403),
    ('POST', 'api/v1/agenda-items/<int:pk>/minutes/'):                                         _row(401, 403, 400, 400, 403, 403, 403, 403),
    ('POST', 'api/v1/agenda-items/<int:pk>/opinion/'):                                         _row(401, 403, 400, 403, 403, 403, 403, 403),  # attending executives; sponsor does not attend
    ('POST', 'api/v1/agenda-items/<int:pk>/decide/'):                                          _row(401, 403, 400, 400, 403, 403, 403, 403),
    ('POST', 'api/v1/resource-spends/'):                                                       _row(401, 400, 403, 403, 400, 400, 400, 400),  # the team records spending; executives write nothing
}
# The few writes sent with a body: the one that names what is decided, so the role decides the answer.
WRITE_DATA = {("POST", "api/v1/plans/<int:pk>/decide/"): {"decision": "approve"}}
# Writes not walked here, with why: signing out ends the test client's session (tests/kam/test_site.py).
NOT_WALKED = {("POST", "logout/")}
# Public on purpose, tested elsewhere: /healthz answers 200 or 503 with the broker's state (tests/kam/test_site.py).
PUBLIC = {"healthz"}


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


def fill(route: str, ids: dict) -> str:
    """The route with each <converter:name> replaced by a real object's id (per-route ids first)."""
    def value(match):
        name = match.group("name")
        if name not in ids:
            raise KeyError(f"No value for <{name}> in {route!r}: add it to the ids in this test.")
        return str(ids[name])

    return "/" + PARAM.sub(value, route)


def ids_for(route: str, world) -> dict:
    ids = {
        "account_id": world["account"].pk, "contact_id": world["contact"].pk, "unit_id": world["unit"].pk,
        "relationship_id": world["relationship"].pk, "opportunity_id": world["opportunity"].pk,
        "offering_id": world["offering"].pk, "activity_id": world["activity"].pk, "plan_id": world["plan"].pk,
        "step": 1, "number": 1, "attachment_id": world["attachment"].pk, "quarter": 1,
        "meeting_id": world["meeting"].pk, "item_id": world["agenda_item"].pk, "batch_id": world["batch"].pk,
        "notification_id": world["notification"].pk, "pdf_id": world["pdf"].pk,
        # The organisation: a person (the KAM), a team member (the engineer), a vertical unit, and a
        # welcome link whose token is not valid (the page says so).
        "user_id": world["am"].pk, "member_id": world["account"].team.get(user=world["eng"]).pk,
        "uidb64": "MQ", "token": "set-password",
        "attendee_id": world["meeting"].attendees.order_by("pk").last().pk,
        "interaction_id": world["interaction"].pk, "risk_id": world["account_risk"].pk, "kpi_id": world["kpi"].pk,
    }
    if route.startswith("organisation/units/"):
        ids["unit_id"] = world["business_unit"].pk
    if "/reviews/" in route:
        ids["plan_id"] = world["approved_plan"].pk
    if route.startswith("api/v1/") and "<int:pk>" in route:
        resource = route.split("/")[2]
        ids["pk"] = {
            "accounts": world["account"].pk, "org-units": world["unit"].pk, "contacts": world["contact"].pk,
            "relationships": world["relationship"].pk, "opportunities": world["opportunity"].pk,
            "offerings": world["offering"].pk,
            "business-units": world["business_unit"].pk, "users": world["am"].pk,
            "orders": world["order"].pk, "pricing-tiers": world["pricing_tier"].pk,
            "revenue-lines": world["revenue_line"].pk,
            "unmet-needs": world["unmet_need"].pk, "customer-activities": world["activity"].pk,
            "account-risks": world["account_risk"].pk,
            "interactions": world["interaction"].pk,
            "kpi-definitions": world["kpi"].pk, "kpi-targets": world["kpi_target"].pk,
            "manual-actuals": world["manual_actual"].pk, "nps-responses": world["nps_response"].pk,
            "personal-goals": world["personal_goal"].pk,
            "plans": world["plan"].pk, "quarterly-reviews": world["review"].pk,
            "meetings": world["meeting"].pk, "meeting-attendees": ids["attendee_id"], "agenda-items": world["agenda_item"].pk,
            "resource-grants": world["grant"].pk, "resource-spends": world["spend"].pk,
        }[resource]
    return ids


ADMIN_OBJECT = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/<path:object_id>/")


@pytest.fixture
def world():
    from accounts.models import AccountRisk, BusinessUnit, UnmetNeed
    from notifications.models import Notification, NotificationKind
    from planning.models import QuarterlyReview
    from tests.factories import (
        KpiTargetFactory,
        ManualActualFactory,
        NpsResponseFactory,
        OrderFactory,
        PricingTierFactory,
        kpi,
    )

    world = build_site_world()
    # The account's team besides its KAM (`am`): an executive sponsor, a sales rep and an engineer.
    from accounts.models import AccountTeamMember
    from tests.factories import TeamMemberFactory, make_account_manager, make_executive

    for key, role, make in (
        ("sponsor", AccountTeamMember.Role.EXECUTIVE_SPONSOR, make_executive),
        ("sales", AccountTeamMember.Role.SALES_REP, make_account_manager),
        ("eng", AccountTeamMember.Role.ENGINEER, make_account_manager),
    ):
        world[key] = make(username=f"w-{key}")
        TeamMemberFactory(account=world["account"], user=world[key], role=role)
    world["order"] = OrderFactory(account=world["account"], offering=world["offering"])
    world["revenue_line"] = world["order"].revenue_lines.get()
    world["pricing_tier"] = PricingTierFactory()
    world["business_unit"] = BusinessUnit.objects.create(name="World unit", kind=BusinessUnit.Kind.VERTICAL)
    world["account_risk"] = AccountRisk.objects.create(
        account=world["account"], title="Budget freeze", raised_on=datetime.date(2026, 1, 5)
    )
    world["unmet_need"] = UnmetNeed.objects.filter(account=world["account"]).first() or UnmetNeed.objects.create(
        account=world["account"], org_unit=world["unit"], offering=world["offering"], note="24/7 monitoring"
    )
    world["kpi"] = kpi("revenue")
    world["kpi_target"] = KpiTargetFactory(account=world["account"], kpi=world["kpi"])
    world["manual_actual"] = ManualActualFactory(account=world["account"])
    world["nps_response"] = NpsResponseFactory(account=world["account"])
    from performance.models import PersonalGoal

    world["personal_goal"] = PersonalGoal.objects.create(
        account=world["account"], user=world["sales"], kpi=world["kpi"], fiscal_year=2026, month=1, value=10
    )
    world["review"] = QuarterlyReview.objects.get(plan=world["approved_plan"], quarter=1)
    # A budget granted by the approval of last year's plan, with some of it spent.
    from decimal import Decimal

    from planning.models import ResourceGrant, ResourceSpend

    world["grant"] = ResourceGrant.objects.create(
        decision=world["approved_plan"].approved_version.decision, kind="budget", description="Seminars",
        requested_amount=Decimal(10_000_000), granted_amount=Decimal(10_000_000), status="granted",
    )
    world["spend"] = ResourceSpend.objects.create(
        grant=world["grant"], spent_on=world["approved_plan"].period_start, amount=Decimal(1_000_000)
    )
    # A PDF of the plan the worker has made.
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from planning.models import PlanPdf

    world["pdf"] = PlanPdf(plan=world["plan"], version=None, language="en", snapshot_digest="world",
                           status=PlanPdf.Status.READY, requested_at=timezone.now(), rendered_at=timezone.now())
    world["pdf"].file.save("plan.pdf", ContentFile(b"%PDF-1.4 world"), save=True)
    # The notification belongs to `am`: everybody else must not open it.
    world["notification"] = Notification.objects.create(
        user=world["am"], kind=NotificationKind.PLAN_DECISION, key="world-decision", url="/plans/"
    )
    return world


def admin_url(route: str, world) -> str | None:
    """An admin route with a real object id, or None for admin routes this test does not open."""
    from django.apps import apps

    if "^" in route or "(?P" in route:
        return None  # regex routes (simple-history's, app_list, the catch-all) are covered by their named siblings
    match = ADMIN_OBJECT.match(route)
    if match:
        model = apps.get_model(match["app"], match["model"])
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            return None
        route = route.replace("<path:object_id>", str(obj.pk))
    if "<id>" in route:
        route = route.replace("<id>", str(world["am"].pk))
    if "<path:content_type_id>" in route:
        return None
    return "/" + route


def clients(world, client_factory):
    from django.test import Client

    result = {"anon": Client()}
    for role, key in (
        ("admin", "admin"), ("exec", "executive"), ("sponsor", "sponsor"), ("am", "am"), ("am2", "other_am"),
        ("sales", "sales"), ("eng", "eng"),
    ):
        client = Client()
        client.force_login(world[key])
        result[role] = client
    return result


def test_admin_site_is_open_to_the_admin_role_only(world):
    answers = clients(world, None)
    problems = []
    for route, pattern in walk(get_resolver().url_patterns):
        if not route.startswith("admin/"):
            continue
        url = admin_url(route, world)
        if url is None:
            continue
        for role, client in answers.items():
            response = client.get(url)
            code = response.status_code
            if route == "admin/logout/":
                ok = code in (302, 405)
            elif role == "admin":
                # Index, changelists and change forms open; read-only models answer 403 to add/delete,
                # `<id>/` redirects to `<id>/change/`, autocomplete without its parameters is 403.
                ok = code in (200, 302, 403) if ("<path:object_id>" in route or route.endswith(("add/", "autocomplete/")))\
                    else code == (302 if route == "admin/login/" else 200)
            elif route == "admin/login/":
                ok = code == 200
            else:
                # LoginRequiredMiddleware sends anonymous callers to the site's sign-in page first.
                ok = code == 302 and response.url.startswith(("/admin/login/", "/login/"))
            if not ok:
                problems.append(f"{role} GET {url} -> {code}")
    assert problems == [], "\n".join(problems)


def test_every_page_answers_every_role_as_the_table_says(world, settings):
    # The walk sends more anonymous API requests than the anonymous rate allows in a minute;
    # throttling has its own tests (tests/api/test_auth_and_throttling.py).
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**rates, "anon": "1000/minute"}}
    answers = clients(world, None)
    seen, problems, observed = set(), [], {}
    for route, pattern in walk(get_resolver().url_patterns):
        if route.startswith("admin/") or route in PUBLIC:
            continue
        seen.add(route)
        url = fill(route, ids_for(route, world))
        responses = {role: client.get(url) for role, client in answers.items()}
        row = {role: response.status_code for role, response in responses.items()}
        anon = responses["anon"]
        if anon.status_code == 302 and route not in ("i18n/setlang/", "logout/") and not anon.url.startswith("/login/"):
            problems.append(f"{route!r}: anonymous redirected to {anon.url}, not to the sign-in page")
        observed[route] = row
        if route not in EXPECTED:
            problems.append(f"{route!r}: not in EXPECTED; observed {row}")
        elif row != EXPECTED[route]:
            problems.append(f"{route!r}: expected {EXPECTED[route]}, observed {row}")
    stale = set(EXPECTED) - seen
    if problems:
        print("\n".join(f"    {r!r}: _row({', '.join(str(v) for v in row.values())})," for r, row in observed.items()))
    assert not stale, f"routes in the table that no longer exist: {sorted(stale)}"
    assert problems == [], "\n".join(problems)


WRITE_METHODS = ("post", "put", "patch", "delete")


def write_methods(route: str, pattern) -> list[str]:
    """The write methods a route takes: an API route's from its viewset, a web route's by asking it
    (an admin's POST that is not 405)."""
    cls = getattr(pattern.callback, "cls", None)
    actions = getattr(pattern.callback, "actions", None)
    if cls is not None and actions:
        return [method for method in WRITE_METHODS if method in actions and method in cls.http_method_names]
    return []


class _Rollback(Exception):
    pass


def send(client, method: str, url: str, *, api: bool, data: dict | None = None):
    """The response to a write (an empty one unless `data`), with everything it wrote rolled back."""
    try:
        with transaction.atomic():
            if api:
                response = getattr(client, method)(url, data=data or {}, content_type="application/json")
            else:
                response = client.post(url, data or {})
            raise _Rollback(response)
    except _Rollback as rolled_back:
        cache.clear()  # nothing cached from a write that never happened
        return rolled_back.args[0]


def test_every_write_answers_every_role_as_the_table_says(world, settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**rates, "anon": "1000/minute"}}
    answers = clients(world, None)
    seen, problems, observed = set(), [], {}
    for route, pattern in walk(get_resolver().url_patterns):
        if route.startswith("admin/") or route in PUBLIC:
            continue
        url = fill(route, ids_for(route, world))
        api = route.startswith("api/")
        if api:
            methods = [method.upper() for method in write_methods(route, pattern)]
        elif ("POST", route) in NOT_WALKED:
            continue
        else:
            methods = [] if send(answers["admin"], "post", url, api=False).status_code == 405 else ["POST"]
        for method in methods:
            key = (method, route)
            if key in NOT_WALKED:
                continue
            seen.add(key)
            data = WRITE_DATA.get(key, {})
            row = {role: send(client, method.lower(), url, api=api, data=data).status_code for role, client in answers.items()}
            observed[key] = row
            if key not in WRITES:
                problems.append(f"{key!r}: not in WRITES; observed {row}")
            elif row != WRITES[key]:
                problems.append(f"{key!r}: expected {WRITES[key]}, observed {row}")
    stale = set(WRITES) - seen
    if problems:
        print("\n".join(f"    {key!r}: _row({', '.join(str(v) for v in row.values())})," for key, row in observed.items()))
    assert not stale, f"writes in the table that no longer exist: {sorted(stale)}"
    assert problems == [], "\n".join(problems)
