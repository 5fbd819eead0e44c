from django import forms

from .models import User


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request_role = (self.initial or {}).get("role")
        if request_role in (User.Role.STUDENT, User.Role.EMPLOYER):
            self.fields["role"].initial = request_role

    def signup(self, request, user):
        # The role is set in AccountAdapter.save_user, before the first save.
        pass
