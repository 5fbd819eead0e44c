from django.urls import path

from . import views

app_name = "opportunities"

urlpatterns = [
    path("projects/", views.project_list, name="project-list"),
    path("projects/saved/", views.saved_search_list, name="saved-search-list"),
    path("projects/saved/<int:pk>/delete/", views.saved_search_delete, name="saved-search-delete"),
    path(
        "projects/saved/unsubscribe/<str:token>/",
        views.saved_search_unsubscribe_view,
        name="saved-search-unsubscribe",
    ),
    path("projects/<slug:slug>/", views.project_detail, name="project-detail"),
    path("employer/projects/", views.employer_project_list, name="employer-project-list"),
    path("employer/projects/new/", views.employer_project_new, name="employer-project-new"),
    path("employer/projects/<slug:slug>/", views.employer_project_detail, name="employer-project-detail"),
    path("employer/projects/<slug:slug>/edit/", views.employer_project_edit, name="employer-project-edit"),
    path("employer/projects/<slug:slug>/submit/", views.employer_project_submit, name="employer-project-submit"),
    path("employer/projects/<slug:slug>/close/", views.employer_project_close, name="employer-project-close"),
    path("employer/projects/<slug:slug>/cancel/", views.employer_project_cancel, name="employer-project-cancel"),
    path("employer/projects/<slug:slug>/reopen/", views.employer_project_reopen, name="employer-project-reopen"),
]
