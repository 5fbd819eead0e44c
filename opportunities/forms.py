from datetime import timedelta
from decimal import Decimal

from django import forms
from django.apps import apps
from django.conf import settings
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.formats import date_format

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
        if "contact" in self.fields:
            self.fields["contact"].queryset = User.objects.filter(membership__organization=organization).order_by(
                "email"
            )
            self.fields["contact"].label_from_instance = name_and_email
        self.fields[
            "fee"
        ].help_text = f"A fixed fee for the whole project: at least ${settings.PAY_FLOOR_PER_HOUR} per estimated hour."
        self.fields["fee"].widget.attrs.update(min="1", step="0.01")

    def clean_apply_by(self):
        apply_by = self.cleaned_data["apply_by"]
        today = timezone.localdate()
        if apply_by <= today:
            raise forms.ValidationError("Choose a date in the future.")
        latest = today + timedelta(days=Project.APPLY_BY_MAX_DAYS)
        if apply_by > latest:
            raise forms.ValidationError(
                f"Choose a date within six months, by {date_format(latest, 'F j, Y')} at the latest."
            )
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


class ProjectAmendForm(ProjectForm):
    """The career center corrects a listed project's terms: the posting rules, checked again,
    plus one of its own (openings never drop below the offers out and accepted). The contact
    stays the employer's to choose; the questions stay as students answered them."""

    note = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Kept in the project's trail with the list of changed fields.",
    )

    class Meta(ProjectForm.Meta):
        fields = [name for name in ProjectForm.Meta.fields if name != "contact"]

    def __init__(self, *args, instance, **kwargs):
        super().__init__(*args, instance=instance, organization=instance.organization, **kwargs)

    @classmethod
    def with_changes(cls, *, instance, changes, note):
        """The form bound to the project as it would become: its values, then ``changes``."""
        data = {**forms.model_to_dict(instance, fields=cls.Meta.fields), **changes, "note": note}
        # Bound data names related rows by key, as a browser would send them.
        for name, value in data.items():
            if isinstance(value, (list, tuple, QuerySet)):
                data[name] = [getattr(item, "pk", item) for item in value]
        return cls(data, instance=instance)

    def clean_apply_by(self):
        # A closed project keeps its past date; a new date must still lie ahead.
        if "apply_by" not in self.changed_data:
            return self.cleaned_data["apply_by"]
        return super().clean_apply_by()

    def clean_openings(self):
        openings = self.cleaned_data["openings"]
        holding = apps.get_model("applications", "Application").HOLDING
        taken = self.instance.applications.filter(status__in=holding).count()
        if openings is not None and openings < taken:
            raise forms.ValidationError(f"{taken} offer(s) are out or accepted; keep at least {taken} opening(s).")
        return openings

    def project_changes(self):
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "note"}


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
