"""The forms after the work: feedback (alone or with the verification), the survey, the
checklist, the thank-you and the record's settings."""

from django import forms

from ..engagements.forms import VerifyForm
from . import services
from .models import RATING_CHOICES, Answer3, Survey

RATING_HELP = "1 = poor, 5 = excellent."


def _rating_field(label, required=True):
    return forms.TypedChoiceField(
        label=label,
        choices=RATING_CHOICES,
        coerce=int,
        required=required,
        widget=forms.RadioSelect(attrs={"class": "rating"}),
        error_messages={"required": f"Rate {label.lower()} from 1 to 5."},
    )


class FeedbackFieldsMixin:
    """One 1-5 rating per core competency, "would work with again", a comment to the student and
    a private note to the career center."""

    def add_feedback_fields(self, *, required):
        self.competencies = list(services.competencies())
        for competency in self.competencies:
            self.fields[f"rating_{competency.pk}"] = _rating_field(competency.name, required=required)
        self.fields["would_work_again"] = forms.ChoiceField(
            label="Would you work with this student again?",
            choices=Answer3.choices,
            required=required,
            widget=forms.RadioSelect,
            error_messages={"required": "Choose yes, no or not sure."},
        )
        self.fields["feedback_comment"] = forms.CharField(
            label="Comment to the student",
            required=False,
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="The student reads this.",
        )
        self.fields["private_note"] = forms.CharField(
            label="Private note to the career center",
            required=False,
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text="Only the career center reads this; never the student.",
        )

    def rating_fields(self):
        return [self[f"rating_{c.pk}"] for c in self.competencies]

    def feedback(self):
        """The service's arguments, or None when no feedback was given (optional at verification)."""
        data = self.cleaned_data
        ratings = {c.pk: data.get(f"rating_{c.pk}") for c in self.competencies}
        if not data.get("would_work_again") and not any(ratings.values()):
            return None
        return {
            "ratings": ratings,
            "would_work_again": data["would_work_again"],
            "comment": data.get("feedback_comment", ""),
            "private_note": data.get("private_note", ""),
        }


class FeedbackForm(FeedbackFieldsMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_feedback_fields(required=True)


class VerifyWithFeedbackForm(FeedbackFieldsMixin, VerifyForm):
    """Verification, with the feedback in the same step: optional, but all of it once begun."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_feedback_fields(required=False)

    def clean(self):
        cleaned = super().clean()
        names = [f"rating_{c.pk}" for c in self.competencies] + ["would_work_again"]
        begun = any(cleaned.get(name) for name in [*names, "feedback_comment", "private_note"])
        if begun:
            for name in names:
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, self.fields[name].error_messages["required"])
        return cleaned


class SurveyForm(forms.ModelForm):
    project_rating = _rating_field("The project")
    supervisor_rating = _rating_field("The supervisor")
    learned = forms.TypedChoiceField(
        label="How much did you learn?",
        choices=Survey.Learned.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Say how much you learned."},
    )
    recommend = forms.ChoiceField(
        label="Would you recommend this organization to another student?",
        choices=Answer3.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes, no or not sure."},
    )

    class Meta:
        model = Survey
        fields = ["project_rating", "supervisor_rating", "learned", "skills_used", "recommend", "comment"]
        widgets = {"skills_used": forms.CheckboxSelectMultiple, "comment": forms.Textarea(attrs={"rows": 3})}
        labels = {"skills_used": "Which skills did you use?", "comment": "Anything else? (optional)"}
        help_texts = {"comment": "The career center reads your answers; the organization never sees them alone."}

    def __init__(self, *args, engagement, **kwargs):
        super().__init__(*args, **kwargs)
        from portal.models import Skill

        project_skills = list(engagement.project.skills.all())
        self.fields["skills_used"].queryset = Skill.objects.order_by("kind", "name")
        if not self.is_bound:
            self.initial["skills_used"] = [s.pk for s in project_skills]


class ChecklistForm(forms.Form):
    def __init__(self, *args, completion=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label, manual in services.CHECKLIST:
            if manual:
                self.fields[name] = forms.BooleanField(
                    label=label, required=False, initial=bool(completion and getattr(completion, name))
                )
        self.fields["reminders_off"] = forms.BooleanField(
            label="No more reminders for this checklist",
            required=False,
            initial=bool(completion and completion.reminders_off),
        )

    def ticked(self):
        return {name for name in services.MANUAL_ITEMS if self.cleaned_data.get(name)}


class ThanksForm(forms.Form):
    message = forms.CharField(
        label="Your note to the supervisor",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The portal emails it; their reply comes to your email address.",
        error_messages={"required": "Write a short note to the supervisor."},
    )


class RecordForm(forms.Form):
    public = forms.BooleanField(label="Make my completion record public", required=False)
    shows_work_again = forms.BooleanField(label="Show that the supervisor would work with me again", required=False)
