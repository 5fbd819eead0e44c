"""The Jinja2 environment, for the few pages that print many fields on every row of a long list
or are asked most (the applicants page's cards, the browse page, the project page): Django's
template engine spends about 6 µs on each value it prints, Jinja2, which compiles a template to
Python, a fraction of that. Such a page is rendered by ``render_page``, in
``templates/jinja2/base.html``, the Jinja2 version of Django's base.html (a test keeps the two
the same, but for how each escapes a quote). Every other template is Django's. These templates
call the same helpers as Django's template tags and filters, so a badge, a fee or an answer
looks the same in both."""

import sys

import jinja2
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.template.defaultfilters import date, floatformat
from django.templatetags.static import static
from django.utils.functional import SimpleLazyObject
from jinja2.compiler import CodeGenerator

# markupsafe's escaping itself (C), which its escape() calls and then wraps in a Markup.
from markupsafe import Markup, _escape_inner

from applications.templatetags.application_tags import answer_blocks
from applications.templatetags.completion import student_checklists
from applications.templatetags.engagement_tags import engagement_items, engagements_for
from opportunities.templatetags.opportunities_tags import (
    filter_controls,
    page_url,
    plaintext,
    project_cards,
    skill_checkboxes,
)
from portal.context_processors import navigation
from portal.links import fixed_url, url_with
from portal.templatetags.portal_tags import error_summary, nav_links, options, skill_badges, todo_items


def print_escaped(value):
    """What ``{{ value }}`` prints: what markupsafe's ``escape(value)`` gives (tested), as a string
    rather than a Markup. Jinja2 calls ``escape`` on every value a template prints, and builds a
    Markup of each result only to join it into the page's text and drop it: 1 µs a value, where
    this takes 0.1 µs. A page of twenty applicants prints 650 values. What a template prints is
    only ever joined (a macro or a ``{% set %}`` block marks its joined text safe), never escaped
    again."""
    if type(value) is str:
        return _escape_inner(value)
    html = getattr(value, "__html__", None)
    if html is not None:
        return str(html())
    return _escape_inner(str(value))


class _CodeGenerator(CodeGenerator):
    """Jinja2's code generator, whose compiled templates print with ``print_escaped`` where they
    would call ``escape`` (Jinja2's way to change the code a template compiles to). The rest of
    its code, the escaping decisions included, is Jinja2's."""

    def _output_child_pre(self, node, frame, finalize):
        if frame.eval_ctx.volatile:
            self.write("(environment.print_escaped if context.eval_ctx.autoescape else str)(")
        elif frame.eval_ctx.autoescape:
            self.write("environment.print_escaped(")
        else:
            self.write("str(")
        if finalize.src is not None:
            self.write(finalize.src)


class _Environment(jinja2.Environment):
    code_generator_class = _CodeGenerator
    print_escaped = staticmethod(print_escaped)


def environment(**kwargs):
    # A misspelt name fails the render (and its test) instead of printing nothing.
    kwargs["undefined"] = jinja2.StrictUndefined
    kwargs.pop("autoescape", None)
    env = _Environment(autoescape=True, **kwargs)
    env.globals.update(
        answer_blocks=answer_blocks,
        options=options,
        skill_badges=skill_badges,
        error_summary=error_summary,
        # The dashboards'.
        engagement_items=engagement_items,
        engagements_for=engagements_for,
        student_checklists=student_checklists,
        todo_items=todo_items,
        # The browse page's.
        filter_controls=filter_controls,
        page_url=page_url,
        project_cards=project_cards,
        skill_checkboxes=skill_checkboxes,
        # The layout's: a static file's address, an address without arguments, the navigation.
        static=static,
        url=fixed_url,
        nav_links=nav_links,
        # An address with an argument: url_with("applications:apply")(slug).
        url_with=url_with,
    )
    # Django's filters of these names, the same functions (``date`` for dates: unlike Django's
    # engine, Jinja2 does not make a datetime local first).
    env.filters.update(date=date, floatformat=floatformat, plaintext=plaintext)
    return env


def render_page(request, template_name, context, *, status=200):
    """The response of a page whose template is Jinja2's and extends its ``base.html``: what
    that layout prints (the navigation for the reader, the messages, the sign-out form's CSRF
    token) and the reader (``user``) beside ``context``. The CSRF token is masked once, for the
    whole page, and only when the page prints it (an anonymous reader's search sets no cookie):
    Django masks the token again for each template that asks for it (90 µs each here). Django's
    page around Jinja2's content cost a tenth of the applicants page's instructions, its template
    inheritance alone a third of that. Django's test client is told of the render, as of a Django
    template's, so a test reads ``response.context``."""
    context = {
        "request": request,
        "user": request.user,
        "messages": get_messages(request),
        **navigation(request),
        **context,
    }
    if "csrf_token" not in context:
        context["csrf_token"] = SimpleLazyObject(lambda: get_token(request))
    template = engines["jinja2"].get_template(template_name)
    # Loaded by Django's test tools only: not imported here, which would load django.test.
    signals = sys.modules.get("django.test.signals")
    if signals is not None:
        signals.template_rendered.send(sender=template, template=template.template, context=context)
    return HttpResponse(template.render(context), status=status)


def render_fragment(template_name, context):
    """A Jinja2 template rendered as a piece of a page (a Markup: printed as it is)."""
    return Markup(engines["jinja2"].get_template(template_name).render(context))  # noqa: S704 - escaped by Jinja2
