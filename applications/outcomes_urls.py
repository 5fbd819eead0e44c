"""The outcomes dashboard lives under /admin/outcomes/ (mounted before the admin's own URLs)."""

from django.urls import path

from . import outcomes_views

app_name = "outcomes"

urlpatterns = [
    path("", outcomes_views.dashboard, name="dashboard"),
    path("applications.csv", outcomes_views.applications_csv, name="applications-csv"),
]
