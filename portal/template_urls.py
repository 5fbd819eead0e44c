"""The ``{% url %}`` tag, with the addresses that take no argument reversed once per process.

Django's tag calls ``reverse()`` at every render: the resolver walked and the script prefix read,
tens of microseconds, for links that are the same on every page (the home page in the header,
the browse form's own address). Listed in the template engine's builtins after Django's, this tag
stands in for it in every template; with arguments, or with ``as``, it is Django's own.
"""

import functools

from django import template
from django.conf import settings
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()


class FixedURLNode(URLNode):
    def render(self, context):
        if self.args or self.kwargs or self.asvar:
            return super().render(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = _reversed(
            self.view_name.resolve(context),
            current_app,
            get_script_prefix(),
            get_urlconf() or settings.ROOT_URLCONF,
        )
        return conditional_escape(url) if context.autoescape else url


@functools.lru_cache(maxsize=1024)
def _reversed(view_name, current_app, script_prefix, urlconf):
    # The script prefix is part of the key: reverse() reads it itself.
    return reverse(view_name, urlconf=urlconf, current_app=current_app)


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return FixedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
