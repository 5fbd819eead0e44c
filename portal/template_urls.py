"""The ``{% url %}`` tag, with the addresses that take no argument reversed once per process.

Django's tag calls ``reverse()`` at every render: the resolver walked and the script prefix read,
tens of microseconds, for links that are the same on every page (the home page in the header,
the browse form's own address). Listed in the template engine's builtins after Django's, this tag
stands in for it in every template; with arguments, or with ``as``, it is Django's own.
"""

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.utils.html import conditional_escape

from portal.links import fixed_url

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
        url = fixed_url(self.view_name.resolve(context), current_app)
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return FixedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
