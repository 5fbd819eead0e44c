from django.urls import path

from . import views

app_name = "applications"

urlpatterns: list = [
    path("eligibility/", views.eligibility, name="eligibility"),
]
