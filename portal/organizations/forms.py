from django import forms
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
        fields = ["name", "website", "size", "industry", "state"]
        labels = {"name": "Organization name", "state": "State (headquarters)"}
        help_texts = {"website": "Its public website, e.g. https://example.com; the career center checks it."}
        widgets = {"website": forms.URLInput(attrs={"placeholder": "https://"})}


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address of the person to invite", max_length=254)
