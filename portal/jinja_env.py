"""The Jinja2 environment, for the content of the few pages that print many fields on every row
of a long list (the applicants page's cards): Django's template engine spends about 6 µs on each
value it prints, Jinja2, which compiles a template to Python, a fraction of that. The page around
that content (base.html) and every other template are Django's. These templates call the same
helpers as Django's template tags, so a badge or an answer looks the same in both."""

import jinja2
from jinja2.compiler import CodeGenerator

# markupsafe's escaping itself (C), which its escape() calls and then wraps in a Markup.
from markupsafe import _escape_inner

from applications.templatetags.application_tags import answer_blocks
from portal.templatetags.portal_tags import options, skill_badges


def print_escaped(value):
    """What ``{{ value }}`` prints: what markupsafe's ``escape(value)`` gives (tested), as a plain
    string. Jinja2 calls ``escape`` on every value a template prints, and builds a Markup of each
    result only to join it into the page's text and drop it: 1 µs a value, where this takes
    0.1 µs. A page of twenty applicants prints 650 values. What a template prints is only ever
    joined (a macro or a ``{% set %}`` block marks its joined text safe), never escaped again."""
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
    env.globals.update(answer_blocks=answer_blocks, options=options, skill_badges=skill_badges)
    return env
