from django.urls import path

from . import views

app_name = "completion"

urlpatterns = [
    path("engagements/<int:pk>/survey/", views.survey, name="survey"),
    path("records/<str:token>/", views.record, name="record"),
]
