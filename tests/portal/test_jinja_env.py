"""The Jinja2 environment of the pages whose content is a Jinja2 template (portal.jinja_env)."""

import jinja2
import pytest
from django.template import engines
from django.utils.safestring import mark_safe


def _render(source, **context):
    return engines["jinja2"].from_string(source).render(context)


def test_what_students_and_employers_wrote_is_escaped_and_our_own_markup_is_not():
    html = _render("{{ name }} {{ badge }}", name="<i>Ann</i> & O'Neil", badge=mark_safe('<li class="badge">SQL</li>'))
    assert html == '&lt;i&gt;Ann&lt;/i&gt; &amp; O&#39;Neil <li class="badge">SQL</li>'


def test_a_misspelt_name_fails_the_render_instead_of_printing_nothing():
    with pytest.raises(jinja2.UndefinedError):
        _render("{{ row.titel }}", row=type("Row", (), {"title": "A"})())


def test_the_helpers_of_django_s_template_tags_are_at_hand():
    html = _render("{{ skill_badges(['SQL']) }}{{ options([('1', 'One')], '1') }}")
    assert (
        html
        == '<ul class="tags" aria-label="Skills"><li class="badge">SQL</li></ul><option value="1" selected>One</option>'
    )
