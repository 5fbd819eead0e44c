from django import forms
from django.conf import settings
from django.db import models

from portal.models import Organization


def _https_urls(field, **kwargs):
    # A website typed without a scheme ("example.com") is taken as https.
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        formfield_callback = _https_urls
        fields = ["name", "website", "size", "industry", "state", "time_zone"]
        labels = {"name": "Organization name", "state": "State (headquarters)"}
        help_texts = {"website": "Its public website, e.g. https://example.com; the career center checks it."}
        widgets = {"website": forms.URLInput(attrs={"placeholder": "https://"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Times of the organization's kick-offs are offered in this zone; most keep the portal's.
        self.fields["time_zone"].required = False
        self.fields["time_zone"].initial = settings.TIME_ZONE
        self.fields["time_zone"].help_text = "Kick-off times you offer are in this zone."


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address of the person to invite", max_length=254)
