"""The form renderer: Django's own form and widget templates, in their Jinja2 versions.

Django ships every form, field and widget template twice, for its template engine and for
Jinja2, written to give the same HTML. A field drawn with Django's engine went through half a
dozen small templates (field, label, errors, widget, attributes, one per radio button), and the
engine's per-template and per-lookup costs added up: the engagement page's feedback fields (five
1-5 ratings) were a third of its time. Jinja2 compiles each template to Python once.

A template that exists only for Django's engine (the admin's widgets) is still drawn by it.
"""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property


class FormRenderer(Jinja2):
    @cached_property
    def fallback(self):
        return DjangoTemplates()

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)
