"""Forms are drawn from Django's Jinja2 templates (portal/renderers.py): the same HTML as
Django's own engine gives, whitespace and the apostrophe's entity aside."""

import re

import pytest
from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.forms.renderers import DjangoTemplates, get_default_renderer

from applications.engagements.forms import SlotsForm, SubmitWorkForm
from portal.renderers import FormRenderer


class EveryWidget(forms.Form):
    name = forms.CharField(label="Your name", max_length=20, help_text="As on your ID.")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    rating = forms.TypedChoiceField(
        choices=[(i, str(i)) for i in range(1, 6)], coerce=int, widget=forms.RadioSelect(attrs={"class": "rating"})
    )
    days = forms.MultipleChoiceField(
        choices=[("mon", "Monday"), ("tue", "Tuesday")], widget=forms.CheckboxSelectMultiple
    )
    size = forms.ChoiceField(choices=[("", "Any size"), ("small", "Small <50"), ("large", "Large")], required=False)
    starts = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    agree = forms.BooleanField()
    resume = forms.FileField(required=False)

    def clean(self):
        raise forms.ValidationError("The organization's rules say no.")


def normalized(html):
    html = html.replace("&#x27;", "&#39;")
    html = re.sub(r">\s+", ">", html)
    html = re.sub(r"\s+<", "<", html)
    return re.sub(r"\s+", " ", html).strip()


def drawn(form_class, data=None):
    return {
        name: normalized(form_class(data, renderer=renderer).as_div())
        for name, renderer in (("django", DjangoTemplates()), ("jinja2", FormRenderer()))
    }


@pytest.mark.parametrize(
    "data",
    [None, {}, {"name": "x" * 30, "rating": "9", "days": ["sun"], "size": "huge", "starts": "soon"}],
    ids=["empty", "bound-missing", "bound-wrong"],
)
def test_every_widget_is_drawn_as_django_draws_it_with_its_errors(data):
    html = drawn(EveryWidget, data)
    assert html["jinja2"] == html["django"]
    if data is not None:
        assert "organization&#39;s rules" in html["jinja2"]
        assert 'aria-invalid="true"' in html["jinja2"]


@pytest.mark.parametrize("form_class", [SlotsForm, SubmitWorkForm])
def test_the_portal_s_forms_are_drawn_as_django_draws_them(form_class):
    for data in (None, {}):
        html = drawn(form_class, data)
        assert html["jinja2"] == html["django"]


def test_what_people_typed_is_escaped():
    html = EveryWidget({"name": '<script>"x"</script>'}, renderer=FormRenderer()).as_div()
    assert "<script>" not in html
    assert 'value="&lt;script&gt;&#34;x&#34;&lt;/script&gt;"' in html


def test_a_widget_only_django_s_engine_knows_is_still_drawn():
    # The admin's date widget has no Jinja2 template.
    renderer = FormRenderer()
    for name in ("day", "night"):  # the second time from what the renderer remembered
        html = AdminDateWidget().render(name, None, renderer=renderer)
        assert 'class="vDateField"' in html
        assert f'name="{name}"' in html


def test_the_portal_uses_this_renderer():
    assert isinstance(get_default_renderer(), FormRenderer)
