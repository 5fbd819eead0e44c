import re

from django import template
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe

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
