from decimal import Decimal

from django import forms
from django.conf import settings
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone

from portal.models import Skill, User
from portal.templatetags.portal_tags import name_and_email

from .models import Project, Question

MAX_QUESTIONS = 5


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "title",
            "summary",
            "description",
            "deliverables",
            "career_path",
            "skills",
            "estimated_hours",
            "fee",
            "remote",
            "city",
            "state",
            "openings",
            "apply_by",
            "duration_days",
            "contact",
        ]
        labels = {
            "estimated_hours": "Estimated hours of work",
            "fee": "Fee (USD)",
            "remote": "Remote: the student can work from anywhere",
            "openings": "Number of openings",
            "apply_by": "Apply by",
            "duration_days": "Days from kick-off to due date",
            "contact": "Project contact (supervisor)",
        }
        help_texts = {
            "estimated_hours": f"{Project.HOURS_MIN} to {Project.HOURS_MAX} hours.",
            "openings": f"{Project.OPENINGS_MIN} to {Project.OPENINGS_MAX} students.",
            "duration_days": f"{Project.DURATION_MIN} to {Project.DURATION_MAX} days.",
            "city": "Needed when the project is not remote.",
            "skills": "The skills the work needs; students without them see learning resources.",
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3, "maxlength": 280}),
            "description": forms.Textarea(attrs={"rows": 10}),
            "deliverables": forms.Textarea(attrs={"rows": 5}),
            "skills": forms.CheckboxSelectMultiple,
            "apply_by": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].queryset = Skill.objects.order_by("name")
        self.fields["contact"].queryset = User.objects.filter(membership__organization=organization).order_by("email")
        self.fields["contact"].label_from_instance = name_and_email
        self.fields[
            "fee"
        ].help_text = f"A fixed fee for the whole project: at least ${settings.PAY_FLOOR_PER_HOUR} per estimated hour."
        self.fields["fee"].widget.attrs.update(min="1", step="0.01")

    def clean_apply_by(self):
        apply_by = self.cleaned_data["apply_by"]
        if apply_by <= timezone.localdate():
            raise forms.ValidationError("Choose a date in the future.")
        return apply_by

    def clean(self):
        data = super().clean()
        hours, fee = data.get("estimated_hours"), data.get("fee")
        if hours and fee is not None and Project.HOURS_MIN <= hours <= Project.HOURS_MAX:
            floor = Decimal(settings.PAY_FLOOR_PER_HOUR) * hours
            if fee < floor:
                self.add_error(
                    "fee",
                    f"The fee must be at least ${floor:,.0f} for {hours} hours "
                    f"(${settings.PAY_FLOOR_PER_HOUR} per hour).",
                )
        if data.get("remote") is False:
            if not data.get("city"):
                self.add_error("city", "Give the city, or mark the project as remote.")
            if not data.get("state"):
                self.add_error("state", "Give the state, or mark the project as remote.")
        elif data.get("remote"):
            data["city"], data["state"] = "", ""
        return data

    def project_data(self):
        return {name: value for name, value in self.cleaned_data.items() if name != "skills"}


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["text", "max_chars", "required"]
        labels = {"text": "Question", "max_chars": "Character limit", "required": "An answer is required"}
        help_texts = {"max_chars": f"{Question.LIMIT_MIN} to {Question.LIMIT_MAX} characters."}
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class BaseQuestionFormSet(BaseInlineFormSet):
    default_error_messages = {
        "too_few_forms": "Ask at least %(num)d question.",
        "too_many_forms": "Ask at most %(num)d questions.",
    }

    def questions(self):
        return [
            form.cleaned_data
            for form in self.forms
            if (form.has_changed() or form.instance.pk) and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


def question_formset(*, existing=0):
    return inlineformset_factory(
        Project,
        Question,
        form=QuestionForm,
        formset=BaseQuestionFormSet,
        extra=max(MAX_QUESTIONS - max(existing, 1), 0),
        min_num=1,
        max_num=MAX_QUESTIONS,
        absolute_max=MAX_QUESTIONS,
        validate_min=True,
        validate_max=True,
        can_delete=existing > 0,
    )
