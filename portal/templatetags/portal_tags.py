import datetime
import functools
from html import escape as _escape  # plain str, quotes too: Django's escape() wraps it in SafeString

from django import template
from django.conf import settings
from django.forms import BaseForm, BaseFormSet
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.timesince import timeuntil

register = template.Library()


def _field_anchor(field):
    """The id a summary link jumps to: the input itself, or the first box of a checkbox or
    radio list (whose label has no single target)."""
    return field.id_for_label or (f"{field.auto_id}_0" if field.auto_id else "")


def _form_errors(form):
    items = [(None, str(error)) for error in form.non_field_errors()]
    for field in form:
        for error in field.errors:
            if field.is_hidden:
                items.append((None, str(error)))
            else:
                items.append((_field_anchor(field), f"{field.label}: {error}"))
    return items


def error_items(*forms):
    """Every error of these forms and formsets, in page order: (anchor or None, text)."""
    items = []
    for form in forms:
        if isinstance(form, BaseFormSet):
            if not form.is_bound:
                continue
            items += [(None, str(error)) for error in form.non_form_errors()]
            for subform in form.forms:
                items += _form_errors(subform)
        elif isinstance(form, BaseForm) and form.is_bound:
            items += _form_errors(form)
    return items


@register.simple_tag
def error_summary(*forms):
    """The box at the top of a page whose form came back with errors: one link per field, and
    focus moves to it (static/js/forms.js). Nothing, and no template rendered, without errors
    (every page asks)."""
    items = error_items(*forms)
    return get_template("includes/_error_summary.html").render({"items": items}) if items else ""


@register.simple_tag
def has_errors(*forms):
    """`{% has_errors form formset as errors %}` for the page title's "Error: "."""
    return bool(error_items(*forms))


def name_and_email(user):
    """ "Dana Lee (dana@acme.example)", or the address alone before the person gave a name
    (never "dana@acme.example (dana@acme.example)")."""
    return f"{user.public_name} ({user.email})" if user.public_name else user.email


register.filter("name_and_email", name_and_email)


@register.filter
def iso_datetime(value):
    """A `<time datetime>` value the HTML standard accepts: local time to the second with its
    offset (`|date:'c'` gives microseconds, which validators reject)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""


# allauth uses one title for several pages ("Password Reset" twice, "Change Password" three
# times); each of ours says where the person is.
ALLAUTH_TITLES = {
    "account_signup": "Sign up",
    "account_login": "Sign in",
    "account_logout": "Sign out",
    "account_inactive": "Account inactive",
    "account_reauthenticate": "Confirm it is you",
    "account_email": "Email addresses",
    "account_email_verification_sent": "Check your email to verify your address",
    "account_confirm_email": "Confirm your email address",
    "account_change_password": "Change your password",
    "account_set_password": "Set a password",
    "account_reset_password": "Reset your password",
    "account_reset_password_done": "Check your email for a reset link",
    "account_reset_password_from_key": "Choose a new password",
    "account_reset_password_from_key_done": "Your password is changed",
}


@register.simple_tag(takes_context=True)
def allauth_title(context):
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.url_name == "account_reset_password_from_key" and context.get("token_fail"):
        return "Reset link no longer valid"
    return ALLAUTH_TITLES.get(match.url_name, "")


# Long lists on busy pages (every choice of a select, the hidden inputs that keep a page's view
# in each of its forms) are joined in one call each: as template loops, a node per value, they
# were most of the time those pages took to render.


@functools.lru_cache(maxsize=4096)
def escaped_name(text):
    """``text`` escaped, remembered: for the names of our short lists (choices, skills), which a
    search page escaped about two hundred times, the same few dozen each time."""
    return _escape(text)


@register.simple_tag
def options(choices, selected):
    """``<option>`` elements for (value, label) choices, the one equal to ``selected`` (compared
    as text) marked selected."""
    selected = "" if selected is None else str(selected)
    return mark_safe(  # noqa: S308 - every value and label is escaped here
        "".join(
            f'<option value="{escaped_name(str(value))}"{" selected" if str(value) == selected else ""}>'
            f"{escaped_name(str(label))}</option>"
            for value, label in choices
        )
    )


@register.simple_tag
def hidden_inputs(params, csrf_token=None):
    """A hidden input for each (name, value) of a dict, to post a page's view with a form; the
    CSRF token's first when one is given (a page with a form per row prints them all at once)."""
    if csrf_token is not None:
        params = {"csrfmiddlewaretoken": csrf_token, **params}
    return mark_safe(  # noqa: S308 - every name and value is escaped here
        "".join(
            f'<input type="hidden" name="{_escape(str(name))}" value="{_escape(str(value))}">'
            for name, value in params.items()
        )
    )


@register.simple_tag
def skill_badges(names):
    """A list of skill names as badges; nothing when there are none."""
    if not names:
        return ""
    badges = "".join(f'<li class="badge">{escaped_name(str(name))}</li>' for name in names)
    return mark_safe(f'<ul class="tags" aria-label="Skills">{badges}</ul>')  # noqa: S308 - escaped above


@register.simple_tag
def todo_items(items):
    """The dashboard's list of things to do (``portal.dashboards.Item``), each a link, with the
    time left when it has a deadline."""
    rows = []
    for item in items:
        due = ""
        if item.due:
            due = (
                f' <span class="muted">(<time datetime="{_escape(iso_datetime(item.due))}">'
                f"{_escape(timeuntil(item.due))} left</time>)</span>"
            )
        urgent = ' class="todo-urgent"' if item.urgent else ""
        rows.append(f'<li{urgent}><a href="{_escape(item.url)}">{_escape(item.text)}</a>{due}</li>')
    return mark_safe("\n".join(rows))  # noqa: S308 - every text and address is escaped here


# The main navigation's links for each role (the context processor's ``nav_role``), before the
# sign-out form. They name no person: only the role and the URL configuration change them.
NAV_LINKS = {
    "anonymous": [
        ("portal:home", "Home", ""),
        ("opportunities:project-list", "Projects", ""),
        ("account_login", "Sign in", ""),
        ("account_signup", "Sign up", "button button-small"),
    ],
    "staff": [
        ("portal:dashboard", "Dashboard", ""),
        ("opportunities:project-list", "Projects", ""),
        ("admin:index", "Admin", ""),
    ],
    "student": [
        ("portal:dashboard", "Dashboard", ""),
        ("opportunities:project-list", "Projects", ""),
        ("applications:list", "Applications", ""),
        ("portal:profile", "Profile", ""),
        ("applications:eligibility", "Eligibility", ""),
        ("payroll:home", "Payroll", ""),
        ("opportunities:saved-search-list", "Saved searches", ""),
    ],
    "employer": [
        ("portal:dashboard", "Dashboard", ""),
        ("opportunities:project-list", "Projects", ""),
        ("opportunities:employer-project-list", "My projects", ""),
        ("organizations:detail", "Organization", ""),
    ],
}
SIGNED_IN_LINKS = [("account_email", "Account", ""), ("portal:time-zone", "Time zone", "")]


@functools.lru_cache(maxsize=64)
def _nav_links(role, script_prefix, urlconf):
    links = NAV_LINKS.get(role, NAV_LINKS["employer"][:2]) + (SIGNED_IN_LINKS if role != "anonymous" else [])
    items = []
    for name, label, css in links:
        css = f' class="{css}"' if css else ""
        items.append(f'<li><a{css} href="{_escape(reverse(name, urlconf=urlconf))}">{_escape(label)}</a></li>')
    return mark_safe("".join(items))  # noqa: S308 - the addresses and labels are ours, escaped all the same


@register.simple_tag
def nav_links(role):
    """The navigation's links for ``role``: reversed once per process, not on every page."""
    return _nav_links(role, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
