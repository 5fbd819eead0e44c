"""The program list in the admin, and the bulk action that maps free-text majors to it."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count
from django.template.response import TemplateResponse

from .programs import Program
from .services import profiles_map_to_program


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "level", "student_count"]
    list_filter = ["level", "school"]
    search_fields = ["name", "school"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(student_count=Count("students"))

    @admin.display(description="students", ordering="student_count")
    def student_count(self, obj):
        return obj.student_count


class MapProgramForm(forms.Form):
    program = forms.ModelChoiceField(
        queryset=Program.objects.all(),
        help_text="Added to each selected student's programs; the text they typed is kept.",
    )


class ProgramChosenFilter(admin.SimpleListFilter):
    """Finds the profiles still to map: a free-text program and none from the list."""

    title = "program from the list"
    parameter_name = "program_chosen"

    def lookups(self, request, model_admin):
        return [("yes", "Chosen"), ("no", "None chosen")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(programs__isnull=False).distinct()
        if self.value() == "no":
            return queryset.filter(programs__isnull=True)
        return queryset


@admin.action(description="Map the selected profiles to a program", permissions=["change"])
def map_to_program(modeladmin, request, queryset):
    form = MapProgramForm(request.POST if request.POST.get("reason_given") else None)
    if form.is_bound and form.is_valid():
        program = form.cleaned_data["program"]
        added = profiles_map_to_program(profiles=queryset, program=program)
        modeladmin.message_user(request, f"{added} profile(s) now list {program}.", messages.SUCCESS)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Map to a program",
        "opts": modeladmin.model._meta,
        "queryset": queryset,
        "form": form,
        "action": "map_to_program",
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/reason_action.html", context)
