from django.urls import path

from planning import views

app_name = "planning"

urlpatterns = [
    path("plans/", views.plan_list, name="plan-list"),
    path("plans/new/", views.plan_create, name="plan-create"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:plan_id>/step/<int:step>/", views.plan_step, name="plan-step"),
    path("plans/<int:plan_id>/submit/", views.plan_submit, name="plan-submit"),
    path("plans/<int:plan_id>/revise/", views.plan_revise, name="plan-revise"),
    path("plans/<int:plan_id>/close/", views.plan_close, name="plan-close"),
    path("plans/<int:plan_id>/next-year/", views.plan_next_year, name="plan-next-year"),
    path("plans/<int:plan_id>/history/", views.plan_history, name="plan-history"),
    path("plans/<int:plan_id>/compare/", views.plan_compare, name="plan-compare"),
    path("plans/<int:plan_id>/versions/<int:number>/", views.version_detail, name="version-detail"),
    path("plans/<int:plan_id>/export.pdf", views.plan_export_pdf, name="plan-pdf"),
    path("plans/<int:plan_id>/pdfs/<int:pdf_id>/status/", views.plan_pdf_status, name="plan-pdf-status"),
    path("plans/<int:plan_id>/pdfs/<int:pdf_id>/file/", views.plan_pdf_file, name="plan-pdf-file"),
    path("plans/<int:plan_id>/pdfs/<int:pdf_id>/retry/", views.plan_pdf_retry, name="plan-pdf-retry"),
    path("plans/<int:plan_id>/export.xlsx", views.plan_export_xlsx, name="plan-xlsx"),
    path("plans/<int:plan_id>/attachments/", views.attachment_upload, name="attachment-upload"),
    path("plans/<int:plan_id>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment-download"),
    path("plans/<int:plan_id>/attachments/<int:attachment_id>/delete/", views.attachment_delete, name="attachment-delete"),
    path("plans/<int:plan_id>/reviews/", views.review_create, name="review-create"),
    path("plans/<int:plan_id>/reviews/q<int:quarter>/", views.review_detail, name="review-detail"),
    path("plans/<int:plan_id>/reviews/q<int:quarter>/sign-off/", views.review_sign_off, name="review-sign-off"),
    path("plans/<int:plan_id>/reviews/q<int:quarter>/refresh/", views.review_refresh, name="review-refresh"),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:meeting_id>/agenda/", views.agenda_add, name="agenda-add"),
    path("meetings/<int:meeting_id>/agenda/<int:item_id>/remove/", views.agenda_remove, name="agenda-remove"),
    path("meetings/<int:meeting_id>/items/<int:item_id>/", views.meeting_item, name="meeting-item"),
]
