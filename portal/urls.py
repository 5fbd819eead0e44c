from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from . import views

# The Django admin signs in through allauth, so its rate limits and verification apply there too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Career center"
admin.site.site_title = "Micro-Internships Portal admin"
admin.site.index_title = "Career center tools"

portal_patterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("profile/", views.profile, name="profile"),
    path("profile/resume/", views.resume, name="resume"),
    path("profile/resume/<int:pk>/", views.resume, name="resume-of"),
    path("profile/data/", views.data_export, name="data-export"),
    path("profile/time-zone/", views.time_zone, name="time-zone"),
    path("profile/delete/", views.delete_account, name="account-delete"),
    path("account/name/", views.account_name, name="account-name"),
    path("eligibility/document/<int:pk>/", views.eligibility_document, name="eligibility-document"),
]

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/signup/", views.PortalSignupView.as_view(), name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("admin/outcomes/", include("applications.outcomes_urls")),
    path("admin/", admin.site.urls),
    path("", include("portal.organizations.urls")),
    path("", include("opportunities.urls")),
    path("", include("payroll.urls")),
    path("", include("applications.urls")),
    # Before the engagements: their ``<action>/`` pattern would take ``survey/``.
    path("", include("applications.completion.urls")),
    path("", include("applications.engagements.urls")),
]

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
