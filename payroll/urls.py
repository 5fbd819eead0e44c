from django.urls import path

from . import views

app_name = "payroll"

urlpatterns = [
    path("payroll/", views.home, name="home"),
    path("payroll/edit/", views.edit, name="edit"),
    path("payroll/statement/<int:year>/", views.statement, name="statement"),
]
