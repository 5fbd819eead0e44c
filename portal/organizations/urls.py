from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("organization/", views.organization_detail, name="detail"),
    path("organization/new/", views.organization_new, name="new"),
    path("organization/invite/", views.organization_invite_view, name="invite"),
    path("organization/members/<int:pk>/owner/", views.member_make_owner, name="member-make-owner"),
    path("organization/join/<slug:token>/", views.invitation_view, name="invitation"),
]
