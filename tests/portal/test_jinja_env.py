"""The Jinja2 environment of the pages whose content is a Jinja2 template (portal.jinja_env)."""

import jinja2
import markupsafe
import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.template import engines
from django.test import RequestFactory
from django.utils.safestring import mark_safe
from hypothesis import given
from hypothesis import strategies as st

from portal.jinja_env import print_escaped, render_page


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


class _Html:
    """An object that says how it prints in HTML, as Django's and markupsafe's safe strings do."""

    def __init__(self, html):
        self.html = html

    def __html__(self):
        return self.html


VALUES = st.one_of(
    st.text(),
    st.integers(),
    st.floats(allow_nan=False),
    st.none(),
    st.booleans(),
    st.text().map(mark_safe),
    st.text().map(markupsafe.Markup),
    st.text().map(_Html),
    st.lists(st.text(), max_size=3),
)


@given(VALUES)
def test_a_printed_value_is_what_markupsafe_s_escape_gives(value):
    assert print_escaped(value) == str(markupsafe.escape(value))


# Templates whose printed values go through each of Jinja2's ways to print, buffer and mark safe.
TEMPLATES = [
    "{{ a }}|{{ b }}|{{ n }}|{{ s }}",
    "{% for x in [a, b, s] %}<li>{{ x }}</li>{% endfor %}",
    "{% macro m(x) %}<b>{{ x }}</b>{% endmacro %}{{ m(a) }}{{ m(s) }}{{ m(m(a)) }}",
    "{% macro box() %}<div>{{ caller() }}</div>{% endmacro %}{% call box() %}{{ a }}{% endcall %}",
    "{% set block %}<i>{{ a }}</i>{% endset %}{{ block }}{{ block ~ a }}",
    "{% filter upper %}{{ a }}{% endfilter %}",
    "{% autoescape false %}{{ a }}{% endautoescape %}{{ a }}",
    "{% autoescape flag %}{{ a }}{% endautoescape %}",
    "{{ a|e }}{{ a|safe }}{{ a ~ s }}{{ (a ~ s)|length }}{{ [a, s]|join(', ') }}{{ '<x>' }}{{ s|upper }}",
    "{{ a if n else s }}{{ {'k': a}['k'] }}",
]


@pytest.mark.parametrize("flag", [True, False])
@pytest.mark.parametrize("source", TEMPLATES)
def test_every_way_to_print_gives_what_jinja2_s_own_compiler_gives(source, flag):
    context = {"a": "<a href='x'>Tom & Jerry</a>", "b": _Html("<hr>"), "n": 3, "s": mark_safe("<br>"), "flag": flag}
    stock = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    ours = engines["jinja2"].env
    assert ours.from_string(source).render(context) == stock.from_string(source).render(context)


def test_the_compiled_templates_print_with_print_escaped():
    code = engines["jinja2"].env.compile("{{ a }}{% autoescape flag %}{{ a }}{% endautoescape %}", raw=True)
    assert "environment.print_escaped(" in code and "escape(" not in code.replace("print_escaped(", "")


# The Jinja2 layout (templates/jinja2/base.html) and Django's base.html, around the same content:
# the same source in both engines.
PAGE = '{% extends "base.html" %}{% block title %}{{ title }}{% endblock %}{% block content %}<p>C</p>{% endblock %}'


def _request(user, *notes):
    request = RequestFactory().get("/")
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    for level, text in notes:
        messages.add_message(request, level, text)
    return request


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "alice", "carol", "sid"])
@pytest.mark.parametrize(
    "notes",
    [
        (),
        (
            (messages.SUCCESS, "Saved <b>O'Neil's \"notes\"</b>."),
            (messages.ERROR, "Not sent."),
            (messages.INFO, mark_safe('<a href="/x/">Our own link</a>')),
        ),
    ],
)
def test_the_jinja2_layout_gives_the_html_of_django_s_base_html(request, monkeypatch, who, notes):
    user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    env = engines["jinja2"].env
    monkeypatch.setattr(env, "loader", jinja2.ChoiceLoader([jinja2.DictLoader({"page.html": PAGE}), env.loader]))
    monkeypatch.setattr(env, "cache", None)
    token = "t" * 64

    context = {"csrf_token": token, "title": "Tom & <Jerry> O'Neil's \"cats\""}
    ours = render_page(_request(user, *notes), "page.html", context).content.decode()
    django = engines["django"].from_string(PAGE).render(context, _request(user, *notes))
    # The same HTML, but for the entity each engine's escaping writes for a quote.
    assert ours == django.replace("&#x27;", "&#39;").replace("&quot;", "&#34;")
    assert "Tom &amp; &lt;Jerry&gt; O&#39;Neil&#39;s &#34;cats&#34;" in ours and "<p>C</p>" in ours
    assert (f'value="{token}"' in ours) is (who != "anonymous")
    assert ('<a href="/x/">Our own link</a>' in ours) is bool(notes)
