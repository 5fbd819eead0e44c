import copy
import functools

from django import forms

from .models import Application, Assessment
from .services import normalize_answer


class AnswerField(forms.CharField):
    """Plain text, counted as the browser's counter counts it (line ends as one character)."""

    def to_python(self, value):
        return normalize_answer(super().to_python(value))


def answer_field_name(question):
    return f"answer_{question.pk}"


class ApplicationForm(forms.Form):
    """One answer per question. A draft may be incomplete; submitting needs every required answer."""

    def __init__(self, *args, questions, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.submitting = submitting
        for question in self.questions:
            name = answer_field_name(question)
            self.fields[name] = AnswerField(
                label=question.text,
                max_length=question.max_chars,
                required=False,
                strip=False,
                help_text=f"Up to {question.max_chars} characters{'' if question.required else ' (optional)'}.",
                widget=forms.Textarea(attrs={"rows": 6, "data-counter": f"{name}-count"}),
                error_messages={
                    "max_length": "This answer is %(show_value)d characters long; the limit is %(limit_value)d. "
                    "Shorten it a little."
                },
            )

    def clean(self):
        cleaned = super().clean()
        if self.submitting:
            for question in self.questions:
                name = answer_field_name(question)
                if question.required and name not in self.errors and not cleaned.get(name):
                    self.add_error(name, "Answer this question before you submit. Your other answers are kept.")
        return cleaned

    def bound_questions(self):
        """(question, bound field) pairs for the template."""
        return [(q, self[answer_field_name(q)]) for q in self.questions]

    def answers(self):
        return {q.pk: self.cleaned_data.get(answer_field_name(q), "") for q in self.questions}


class DeclineForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    reason = forms.ChoiceField(
        label="Reason (the student sees it)",
        choices=[("", "Choose a reason")] + [(r.value, r.label) for r in Application.EMPLOYER_REASONS],
        error_messages={"required": "Choose a reason; the student sees it.", "invalid_choice": "Choose a reason."},
    )
    message = forms.CharField(
        label="Message to the student (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


RATING_CHOICES = [("", "Not rated")] + [(str(n), f"{n} of 5") for n in range(1, 6)]


class AssessmentForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    rating = forms.TypedChoiceField(
        label="Rating",
        choices=RATING_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Choose a rating from 1 to 5, or “Not rated”."},
    )
    notes = forms.CharField(
        label="Private notes",
        required=False,
        max_length=Assessment._meta.get_field("notes").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApplicantsViewForm(forms.Form):
    """How the employer looks at a project's applicants (blind mode, state, sort, page): read
    from the query string, or from a form posted on the page, and kept in every link and form.
    A value that is not one of these is dropped."""

    blind = forms.ChoiceField(choices=[("", "On"), ("0", "Off")], required=False, widget=forms.HiddenInput)
    state = forms.ChoiceField(label="State", required=False, initial="")
    sort = forms.ChoiceField(label="Sort", required=False, initial="newest")
    page = forms.IntegerField(min_value=2, max_value=9_999, required=False, widget=forms.HiddenInput)

    def __init__(self, data, *, states, sorts, counts=None):
        # Django deep-copies every field for each form, and setting choices normalizes them again:
        # two thirds of this form's time, on every applicants page. Only the states' choices
        # change from page to page (their counts); the other fields, finished once per list of
        # sorts and never changed after, are shared (as opportunities.search.BrowseForm's are).
        self.base_fields = {}
        super().__init__(data, auto_id="filter-%s", label_suffix="")
        counts = counts or {}
        self.fields = dict(_view_fields(tuple(sorts)))
        state = self.fields["state"] = copy.copy(self.fields["state"])
        state.widget = copy.copy(state.widget)
        state.choices = [("", "All states")] + [(s.value, f"{s.label} ({counts.get(s.value, 0)})") for s in states]

    def params(self):
        """The valid values that differ from the defaults, in a fixed order."""
        self.is_valid()
        data = self.cleaned_data
        params = {}
        if data.get("blind") == "0":
            params["blind"] = "0"
        if data.get("state"):
            params["state"] = data["state"]
        if data.get("sort") and data["sort"] != self.fields["sort"].initial:
            params["sort"] = data["sort"]
        if data.get("page"):
            params["page"] = str(data["page"])
        return params

    def selects(self):
        """The state and sort selects, each with the value the page applies: the default where
        the one asked for is missing or not valid."""
        params = self.params()
        return [(self[name], params.get(name, self.fields[name].initial)) for name in ("state", "sort")]


@functools.lru_cache(maxsize=4)
def _view_fields(sorts):
    fields = copy.deepcopy(ApplicantsViewForm.base_fields)
    fields["sort"].choices = list(sorts)
    return fields
