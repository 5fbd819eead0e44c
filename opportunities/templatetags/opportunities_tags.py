import re
from html import escape as _escape  # plain str, quotes too: Django's escape() wraps it in SafeString

from django import template
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe

from portal.templatetags.portal_tags import escaped_name, options, skill_badges

register = template.Library()

# http(s) links only: anything else (javascript:, data:) stays plain text.
URL_RE = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
TRAILING = ".,;:!?)]}"


@register.filter(is_safe=True)
def plaintext(value):
    """Employer-written plain text as HTML: everything escaped, paragraphs and line breaks
    kept, http(s) links made clickable. Nothing else in the text is interpreted."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ""
    parts, last = [], 0
    for match in URL_RE.finditer(text):
        url = match.group(0)
        while url and url[-1] in TRAILING:
            # "(see https://x.org)." keeps the closing punctuation out of the link.
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        end = match.start() + len(url)
        parts.append(escape(text[last : match.start()]))
        parts.append(f'<a href="{escape(url)}" rel="nofollow noopener noreferrer">{escape(url)}</a>')
        last = end
    parts.append(escape(text[last:]))
    return mark_safe(linebreaks("".join(parts), autoescape=False))  # noqa: S308 - every part is escaped above


@register.simple_tag
def page_url(query, number):
    """A page link that keeps the filters."""
    return f"?{query}&page={number}" if query else f"?page={number}"


# The browse form's skill list is joined here in one call (see portal_tags.options).


@register.simple_tag
def skill_checkboxes(options):
    """The skill filter's checkboxes, each with its label, from (slug, name, checked) triples."""
    return mark_safe(  # noqa: S308 - every slug and name is escaped here
        "".join(
            f'<span class="check"><input type="checkbox" name="skill" value="{escaped_name(slug)}" id="id_skill_{n}"'
            f'{" checked" if checked else ""}> <label for="id_skill_{n}">{escaped_name(name)}</label></span>'
            for n, (slug, name, checked) in enumerate(options)
        )
    )


@register.simple_tag
def filter_controls(controls):
    """The browse form's filters (``views._controls``), each with its label, its select or
    number box and its errors: about twenty template nodes a filter were a third of the form's
    rendering on a cold search."""
    return mark_safe("".join(_filter_control(**control) for control in controls))  # noqa: S308 - escaped there


def _filter_control(name, label, value, errors, choices=None, min=None, max=None):  # noqa: A002 - the attributes' names
    name = _escape(name)
    invalid = f' aria-invalid="true" aria-describedby="id_{name}_error"' if errors else ""
    if choices:
        box = f'<select name="{name}" id="id_{name}"{invalid}>{options(choices, value)}</select>'
    elif errors:  # What was typed stays to be corrected; a number box cannot hold "abc".
        box = f'<input type="text" inputmode="numeric" name="{name}" id="id_{name}" value="{_escape(value)}"{invalid}>'
    else:
        limits = (f' min="{min}"' if min is not None else "") + (f' max="{max}"' if max is not None else "")
        box = f'<input type="number" name="{name}" id="id_{name}" value="{_escape(value)}"{limits}>'
    if errors:
        items = "".join(f"<li>{_escape(str(error))}</li>" for error in errors)
        box += f'<ul class="errorlist" id="id_{name}_error">{items}</ul>'
    return f'<div><label for="id_{name}">{_escape(str(label))}</label>{box}</div>'


# A result card, as the template would write it. Twenty per page, a dozen fields each: this is
# one format per card instead of a template node per field.
CARD = (
    '<li class="card project-card">'
    '<h3><a href="{url}">{title}</a></h3>'
    '<p class="muted">{meta}</p>'
    "<p>{summary}</p>"
    '<dl class="facts">'
    "<div><dt>Hours</dt><dd>{hours}</dd></div>"
    '<div><dt>Fee</dt><dd>${fee} <span class="muted">(${rate}/h)</span></dd></div>'
    '<div><dt>Apply by</dt><dd><time datetime="{apply_by_iso}">{apply_by}</time></dd></div>'
    "</dl>{skills}</li>"
)


@register.simple_tag
def project_cards(cards):
    """The result cards of one page (see ``views._card`` for what each holds)."""
    return mark_safe(  # noqa: S308 - the text is escaped here, the rest are numbers and dates
        "\n".join(
            CARD.format_map(
                {
                    **card,
                    "url": _escape(card["url"]),
                    "title": _escape(card["title"]),
                    "meta": _escape(card["meta"]),
                    "summary": _escape(card["summary"]),
                    "skills": skill_badges(card["skills"]),
                }
            )
            for card in cards
        )
    )
