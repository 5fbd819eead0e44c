from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from .models import Program, Skill, StudentProfile, User, WorkEligibility, validate_linkedin_url
from .passwords import password_problem
from .uploads import EMPTY_FILE, JPEG, PDF, PNG, validate_upload


class SignupForm(forms.Form):
    """Extra sign-up fields; allauth adds email and password."""

    role = forms.ChoiceField(
        label="I am signing up as",
        choices=[
            (User.Role.STUDENT, "A student or recent graduate looking for projects"),
            (User.Role.EMPLOYER, "An employer posting projects"),
        ],
        widget=forms.RadioSelect,
        initial=User.Role.STUDENT,
    )

    # allauth's adapter copies first_name and last_name onto the new user.
    first_name = forms.CharField(
        label="First name",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        help_text="Employers: required; students and colleagues see it on your projects and in emails.",
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request_role = (self.initial or {}).get("role")
        if request_role in (User.Role.STUDENT, User.Role.EMPLOYER):
            self.fields["role"].initial = request_role

    def clean(self):
        data = super().clean()
        if data.get("role") == User.Role.EMPLOYER:
            for name in ("first_name", "last_name"):
                if not data.get(name, "").strip():
                    self.add_error(name, f"Enter your {self.fields[name].label.lower()}: it goes on your projects.")
        return data

    def signup(self, request, user):
        # The role is set in AccountAdapter.save_user, before the first save.
        pass


class NameForm(forms.Form):
    """The name on the account page: what colleagues, students and emails call you."""

    first_name = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"}))


class SkillChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.name


class ProgramChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_level_display()}, {obj.school})"


# A private, optional answer: "" means the student would rather not say.
SELF_REPORTED = [("yes", "Yes"), ("no", "No"), ("", "I'd rather not say")]


def _self_reported(value):
    return {True: "yes", False: "no"}.get(value, "")


class ProfileForm(forms.Form):
    """The student's profile. Nothing but the name is required: the completeness meter says
    what is still missing, so a student can save and come back."""

    first_name = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    program = forms.CharField(
        label="Program or major", max_length=200, required=False, help_text="For example: B.S. Biology."
    )
    programs = ProgramChoiceField(
        queryset=Program.objects.all(),
        required=False,
        label="Your programs",
        help_text="Pick every program you are in (majors, minors, certificates).",
    )
    graduation_season = forms.ChoiceField(
        label="Graduation term", choices=[("", "Season")] + StudentProfile.Season.choices, required=False
    )
    graduation_year = forms.IntegerField(label="Graduation year", required=False, min_value=1950, max_value=2100)
    status = forms.ChoiceField(
        choices=StudentProfile.Status.choices, required=False, widget=forms.RadioSelect, label="I am a"
    )
    resume = forms.FileField(
        label="Résumé (PDF)",
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,application/pdf"}),
        error_messages={"empty": EMPTY_FILE},
    )
    linkedin_url = forms.URLField(
        label="LinkedIn URL",
        required=False,
        assume_scheme="https",
        max_length=StudentProfile._meta.get_field("linkedin_url").max_length,
        validators=[validate_linkedin_url],
        help_text="Your public profile address, like https://www.linkedin.com/in/your-name.",
    )
    core_skills = SkillChoiceField(queryset=Skill.objects.none(), required=False, label="Core competencies")
    technical_skills = SkillChoiceField(queryset=Skill.objects.none(), required=False, label="Technical skills")
    bio = forms.CharField(
        label="Short bio",
        required=False,
        max_length=StudentProfile.BIO_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "data-counter": "bio-count"}),
    )
    is_adult = forms.BooleanField(label="I am 18 or older", required=False)
    first_generation = forms.ChoiceField(
        label="Are you a first-generation college student?",
        choices=SELF_REPORTED,
        required=False,
        widget=forms.RadioSelect,
        help_text="Optional. Neither of your parents completed a four-year degree.",
    )
    pell_eligible = forms.ChoiceField(
        label="Are you eligible for a Pell Grant?",
        choices=SELF_REPORTED,
        required=False,
        widget=forms.RadioSelect,
        help_text="Optional.",
    )

    def __init__(self, *args, max_resume_bytes, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_resume_bytes = max_resume_bytes
        self.fields["resume"].help_text = f"PDF only, up to {filesizeformat(max_resume_bytes)}."
        self.fields["bio"].help_text = f"Up to {StudentProfile.BIO_MAX_LENGTH} characters."
        skills = list(Skill.objects.all())
        self.fields["core_skills"].queryset = Skill.objects.filter(kind=Skill.Kind.CORE)
        self.fields["technical_skills"].queryset = Skill.objects.filter(kind=Skill.Kind.TECHNICAL)
        self.fields["core_skills"].choices = [(s.pk, s.name) for s in skills if s.kind == Skill.Kind.CORE]
        self.fields["technical_skills"].choices = [(s.pk, s.name) for s in skills if s.kind == Skill.Kind.TECHNICAL]

    @classmethod
    def initial_for(cls, profile):
        skills = list(profile.skills.all()) if profile.pk else []
        return {
            "first_name": profile.user.first_name,
            "last_name": profile.user.last_name,
            "program": profile.program,
            "graduation_season": profile.graduation_season,
            "graduation_year": profile.graduation_year,
            "status": profile.status,
            "linkedin_url": profile.linkedin_url,
            "core_skills": [s.pk for s in skills if s.kind == Skill.Kind.CORE],
            "technical_skills": [s.pk for s in skills if s.kind == Skill.Kind.TECHNICAL],
            "bio": profile.bio,
            "is_adult": bool(profile.adult_attested_at),
            "programs": [p.pk for p in profile.programs.all()] if profile.pk else [],
            "first_generation": _self_reported(profile.first_generation),
            "pell_eligible": _self_reported(profile.pell_eligible),
        }

    @staticmethod
    def self_reported(value):
        """The radio's value as the profile keeps it: True, False or None (not said)."""
        return {"yes": True, "no": False}.get(value)

    def clean_resume(self):
        resume = self.cleaned_data.get("resume")
        if resume:
            validate_upload(resume, kinds=[PDF], max_bytes=self.max_resume_bytes)
        return resume

    def clean_bio(self):
        return self.cleaned_data["bio"].replace("\r\n", "\n").strip()

    def clean(self):
        data = super().clean()
        if bool(data.get("graduation_season")) != bool(data.get("graduation_year")) and not self.has_error(
            "graduation_year"
        ):
            self.add_error("graduation_year", "Give both the season and the year of your graduation.")
        return data


class EligibilityForm(forms.Form):
    basis = forms.ChoiceField(
        label="Which of these describes you?", choices=WorkEligibility.Basis.choices, widget=forms.RadioSelect
    )
    starts_on = forms.DateField(
        label="Authorized from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="F-1 and J-1: the first day of your CPT, OPT or academic training.",
    )
    ends_on = forms.DateField(
        label="Authorized until",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="F-1 and J-1: the last day of your authorization. EAD: the expiry date on the card.",
    )
    document = forms.FileField(
        label="Authorization document",
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
        error_messages={"empty": EMPTY_FILE},
    )

    def __init__(self, *args, max_document_bytes, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_document_bytes = max_document_bytes
        self.fields["document"].help_text = (
            "F-1: your I-20 with the CPT or OPT endorsement, or your OPT EAD card. J-1: your DS-2019 or "
            "academic training letter. EAD: the card, both sides. PDF, JPEG or PNG, up to "
            f"{filesizeformat(max_document_bytes)}."
        )

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document:
            validate_upload(document, kinds=[PDF, JPEG, PNG], max_bytes=self.max_document_bytes)
        return document

    def clean(self):
        data = super().clean()
        basis = data.get("basis")
        if not basis:
            return data
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if basis in WorkEligibility.DATED_BASES and not starts_on and not self.has_error("starts_on"):
            self.add_error("starts_on", "Give the first day of your authorization.")
        if basis in WorkEligibility.DOCUMENT_BASES:
            if not ends_on and not self.has_error("ends_on"):
                self.add_error("ends_on", "Give the last day of your authorization (the expiry date).")
            elif ends_on and ends_on < timezone.localdate():
                self.add_error("ends_on", "This date has passed; declare an authorization that is still valid.")
            if starts_on and ends_on and starts_on > ends_on:
                self.add_error("ends_on", "The end date must be after the start date.")
            if not data.get("document") and not self.has_error("document"):
                self.add_error("document", "Upload your authorization document.")
        return data


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        problem = password_problem(self.user, password, scope="delete-account")
        if problem:
            raise forms.ValidationError(problem)
        return password


class TimeZoneForm(forms.ModelForm):
    """The zone a person reads times in; blank means the portal's."""

    class Meta:
        model = User
        fields = ["time_zone"]
        labels = {"time_zone": "Your time zone"}
        help_texts = {"time_zone": "Pages and emails show times in this zone."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        self.fields["time_zone"].choices = [
            ("", f"The portal's ({settings.TIME_ZONE})"),
            *self.fields["time_zone"].choices[1:],
        ]
