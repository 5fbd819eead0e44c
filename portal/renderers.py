"""The form renderer: Django's own form and widget templates, in their Jinja2 versions.

Django ships every form, field and widget template twice, for its template engine and for
Jinja2, written to give the same HTML. A field drawn with Django's engine went through half a
dozen small templates (field, label, errors, widget, attributes, one per radio button), and the
engine's per-template and per-lookup costs added up: the engagement page's feedback fields (five
1-5 ratings) were a third of its time. Jinja2 compiles each template to Python once.

A template that exists only for Django's engine (the admin's widgets) is still drawn by it. To
override a form or widget template, put it in an app's ``jinja2/django/forms/`` folder: one in
``templates/django/forms/`` would not be seen (Django's own Jinja2 copy comes first).
"""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property


class FormRenderer(Jinja2):
    def __init__(self):
        super().__init__()
        # The names Jinja2 has no template for, so that they are not looked for again each time
        # (Jinja2 keeps no record of what it did not find).
        self._django_only = set()

    @cached_property
    def fallback(self):
        return DjangoTemplates()

    def get_template(self, template_name):
        if template_name not in self._django_only:
            try:
                return super().get_template(template_name)
            except TemplateDoesNotExist:
                self._django_only.add(template_name)
        return self.fallback.get_template(template_name)
