from django.urls import path

from . import views

app_name = "applications"

urlpatterns: list = [
    path("eligibility/", views.eligibility, name="eligibility"),
    path("projects/<slug:slug>/apply/", views.apply, name="apply"),
    path("applications/", views.application_list, name="list"),
    path("applications/<int:pk>/", views.application_detail, name="detail"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("applications/<int:pk>/accept/", views.application_accept, name="accept"),
    path("applications/<int:pk>/decline/", views.application_decline_offer, name="decline-offer"),
    path("employer/projects/<slug:slug>/applicants/", views.applicants, name="applicants"),
    path("employer/applications/<int:pk>/shortlist/", views.applicant_shortlist, name="applicant-shortlist"),
    path("employer/applications/<int:pk>/select/", views.applicant_select, name="applicant-select"),
    path("employer/applications/<int:pk>/decline/", views.applicant_decline, name="applicant-decline"),
    path("employer/applications/<int:pk>/assessment/", views.applicant_assessment, name="applicant-assessment"),
]
