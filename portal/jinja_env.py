"""The Jinja2 environment, for the content of the few pages that print many fields on every row
of a long list (the applicants page's cards): Django's template engine spends about 6 µs on each
value it prints, Jinja2, which compiles a template to Python, a fraction of that. The page around
that content (base.html) and every other template are Django's. These templates call the same
helpers as Django's template tags, so a badge or an answer looks the same in both."""

import jinja2

from applications.templatetags.application_tags import answer_blocks
from portal.templatetags.portal_tags import options, skill_badges


def environment(**kwargs):
    # A misspelt name fails the render (and its test) instead of printing nothing.
    kwargs["undefined"] = jinja2.StrictUndefined
    kwargs.pop("autoescape", None)
    env = jinja2.Environment(autoescape=True, **kwargs)
    env.globals.update(answer_blocks=answer_blocks, options=options, skill_badges=skill_badges)
    return env
