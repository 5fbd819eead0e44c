from django.urls import path

from . import views

app_name = "engagements"

urlpatterns = [
    path("engagements/<int:pk>/", views.engagement_detail, name="detail"),
    path("engagements/<int:pk>/kickoff.ics", views.engagement_invitation, name="invitation"),
    path("engagements/<int:pk>/files/<int:file_id>/", views.submission_file, name="file"),
    path("engagements/<int:pk>/<slug:action>/", views.engagement_action, name="action"),
]
