"""The student's list of applications, one row per application written in one format instead
of a template node per cell (the list has a row for every application the student ever made),
the answers on the employer's applicant cards (twenty cards of several answers a page), and the
engagement page's rounds of work and timeline (each round and event adds a dozen values and
three dates: written by Django's template engine, an engagement with eight rounds spent more
than a third of its page's time on them)."""

import re
from html import escape as _escape  # plain str, quotes too: Django's escape() wraps it in SafeString

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import filesizeformat
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

from applications.models import Application, Engagement
from portal.links import url_with
from portal.templatetags.portal_tags import iso_datetime

register = template.Library()

S = Application.Status
ROW = (
    '<tr><td><a href="{detail_url}">{title}</a><br><span class="muted">{organization}</span></td>'
    '<td><span class="badge app-{status}">{status_label}</span></td>'
    "<td>{next_step}</td></tr>"
)


def _next_step(application, detail_url, links):
    """The last cell: the next step, linked to where the student takes it."""
    status = application["status"]
    step = _escape(NEXT_STEPS[status])
    if status == S.DRAFT:
        return f'<a href="{_escape(links["apply"](application["project__slug"]))}">{step}</a>'
    if application["engagement__id"] is not None:
        url = links["engagement"](application["engagement__id"])
        label = Engagement.Status(application["engagement__status"]).label.lower()
        return f'<a href="{_escape(url)}">Your project: {_escape(label)}</a>'
    if status == S.OFFERED:
        by = _local_date(application["offer_expires_at"], "M j, g:i A T")
        return f'<a href="{_escape(detail_url)}">{step}</a> <span class="muted">(by {_escape(by)})</span>'
    return step


NEXT_STEPS = {status: Application(status=status).next_step for status in S}


@register.simple_tag
def application_rows(applications):
    """The table rows of the student's applications: the rows of ``views.application_list``."""
    rows = []
    links = {
        "detail": url_with("applications:detail"),
        "apply": url_with("applications:apply"),
        "engagement": url_with("engagements:detail"),
    }
    for application in applications:
        detail_url = links["detail"](application["pk"])
        rows.append(
            ROW.format(
                detail_url=_escape(detail_url),
                title=_escape(application["project__title"]),
                organization=_escape(application["project__organization__name"]),
                status=_escape(application["status"]),
                status_label=_escape(S(application["status"]).label),
                next_step=_next_step(application, detail_url, links),
            )
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value is escaped above


@register.simple_tag
def answer_blocks(answers):
    """Each (question, answer) of an applicant's card: the question as a heading, then what the
    student wrote, its paragraphs and line breaks kept, everything escaped."""
    return mark_safe(  # noqa: S308 - questions escaped here, answers by paragraphs()
        "".join(
            f'<h3 class="answer-question">{_escape(str(question))}</h3><div class="prose">'
            + (paragraphs(text) if text else '<p class="muted">No answer.</p>')
            + "</div>"
            for question, text in answers
        )
    )


# Django's "\n{2,}", spelt so that the regex engine looks for its two line breaks as a literal
# prefix, by a fast string search, rather than trying a repeat at every character: the same
# splits (tested) twenty times faster: 0.7 of the 19.8 million instructions of a page of twenty
# cards.
_PARAGRAPH_BREAK = re.compile(r"\n\n+")


def paragraphs(text):
    """What Django's ``linebreaks(text, autoescape=True)`` gives (tested), without the lazy-text
    wrappers it goes through three times per answer: ``<p>`` per paragraph, ``<br>`` per line
    break, everything escaped. A page of twenty applicants has forty or more answers."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    escaped = (_escape(part).replace("\n", "<br>") for part in _PARAGRAPH_BREAK.split(text))
    return "\n\n".join(f"<p>{part}</p>" for part in escaped)


def _local_date(value, format_string):
    """``value|date:format_string`` in the reader's zone, as the template filter gives it (not
    escaped: the callers escape what they print)."""
    return date_filter(template_localtime(value), format_string)


def _round(submission):
    n = submission.round
    html = [
        f'<article class="card" aria-labelledby="round-{n}">',
        f'<h3 id="round-{n}">Round {n}: {_escape(str(submission.get_outcome_display()))}</h3>',
        f'<p class="muted">Submitted {_escape(_local_date(submission.submitted_at, "F j, Y, g:i A T"))}</p>',
    ]
    if submission.url:
        url = _escape(submission.url)
        html.append(f'<p class="wrap-anywhere"><a href="{url}">{url}</a></p>')
    if submission.note:
        html.append(f'<div class="prose">{paragraphs(submission.note)}</div>')
    if submission.file_list:
        files = "".join(
            f'<li><a href="{_escape(file.download_url)}">{_escape(file.name)}</a>'
            f" ({_escape(filesizeformat(file.size))})</li>"
            for file in submission.file_list
        )
        html.append(f"<ul>{files}</ul>")
    if submission.answered_at:
        by = (submission.answered_by and submission.answered_by.get_full_name()) or "The supervisor"
        html.append(f"<p><strong>{_escape(by)}, {_escape(_local_date(submission.answered_at, 'F j'))}:</strong></p>")
        if submission.comment:
            html.append(f'<div class="prose">{paragraphs(submission.comment)}</div>')
    html.append("</article>")
    return "\n".join(html)


@register.simple_tag
def work_rounds(submissions):
    """Each round of work as a card: its outcome, when, the link, the note, the files, and the
    supervisor's answer; everything people wrote escaped, notes in paragraphs."""
    return mark_safe("\n".join(_round(submission) for submission in submissions))  # noqa: S308 - escaped above


@register.simple_tag
def timeline(events):
    """One line per event of an engagement: when (in the reader's zone), the new state, who,
    and the note."""
    return mark_safe(  # noqa: S308 - every value is escaped here
        "\n".join(
            f'<li><time datetime="{iso_datetime(event.at)}">{_escape(_local_date(event.at, "M j, Y g:i A T"))}</time>:'
            f" {_escape(str(event.to_label))}"
            + (f" ({_escape(event.by.get_full_name())})" if event.by else "")
            + (f": {_escape(event.note)}" if event.note else "")
            + "</li>"
            for event in events
        )
    )
