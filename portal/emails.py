"""Every email the portal sends, one function each: who gets it, what it says, once per what.

Each function writes one outbox row (``portal.outbox``) in the caller's transaction, from the
templates ``emails/<kind>-subject.txt``, ``-body.txt`` and ``-body.html``, rendered in the
recipient's time zone. The row's key is (kind, object, recipient): calling a function again for
the same event mails nobody twice. Services call these; nothing else names a template.

The functions take the objects they talk about and read their attributes, so this module needs
no import from the apps above ``portal``.
"""

from django.utils import timezone

from .outbox import outbox_enqueue, outbox_store
from .zones import zone_for


def _send(kind, obj, person, *, email=None, headers=None, attachments=None, **context):
    """One email of ``kind`` about ``obj`` to ``person`` (a user), or to ``email`` when the
    recipient has no account yet."""
    recipient = email or person.email
    with timezone.override(zone_for(person)):
        return outbox_enqueue(
            kind=kind,
            obj=obj,
            recipient=recipient,
            template=kind,
            context={"person": person, **context},
            headers=headers,
            attachments=attachments,
        )


# Accounts (allauth renders its own; the adapter hands them over here).


def account_message(*, kind, key, recipient, subject, body_text, body_html):
    return outbox_store(
        kind=f"account:{kind}",
        object_key=key,
        recipient=recipient,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
    )


def welcome(user, email):
    return _send("welcome", user, user, email=email, user=user)


# Work eligibility.


def eligibility_verified(record):
    return _send("eligibility-verified", record, record.student, record=record, student=record.student)


def eligibility_rejected(record):
    return _send("eligibility-rejected", record, record.student, record=record, student=record.student)


def eligibility_expiring(record, *, days_left):
    key = f"{record._meta.label_lower}:{record.pk}:{record.ends_on.isoformat()}"
    return _send(
        "eligibility-expiring", key, record.student, record=record, student=record.student, days_left=days_left
    )


# Organizations and projects.


def organization_invitation(invitation, *, inviter):
    return _send(
        "organization-invitation",
        invitation,
        None,
        email=invitation.email,
        invitation=invitation,
        organization=invitation.organization,
        inviter=inviter,
    )


def project_published(project, *, person):
    return _send("project-published", project, person, project=project)


def project_sent_back(project, *, event, person, reason):
    return _send("project-sent-back", event, person, project=project, reason=reason)


def saved_search_digest(search, *, cutoff, projects, more, unsubscribe_url):
    return _send(
        "saved-search-digest",
        f"opportunities.savedsearch:{search.pk}:{cutoff.isoformat()}",
        search.user,
        search=search,
        projects=projects,
        more=more,
        unsubscribe_url=unsubscribe_url,
        # Mail clients show an "Unsubscribe" button that POSTs to the link (RFC 8058).
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


# Payroll.


def payroll_updated(record, *, student, created, changed):
    key = f"payroll.contractorrecord:{record.pk}:r{record.revision}"
    return _send("payroll-updated", key, student, record=record, created=created, changed=changed)


# Applications and offers.


def _application(kind, application, person, **context):
    return _send(kind, application, person, application=application, project=application.project, **context)


def application_received(application):
    return _application("application-received", application, application.student)


def application_withdrawn(application):
    return _application("application-withdrawn", application, application.project.contact)


def review_answered(application, *, review):
    return _application("review-answered", application, application.student, review=review)


def offer(application):
    return _application("offer", application, application.student)


def offer_reminder(application):
    return _application("offer-reminder", application, application.student)


def not_selected(application):
    return _application("not-selected", application, application.student)


def offer_accepted(application):
    return _application("offer-accepted", application, application.project.contact)


def offer_declined(application):
    return _application("offer-declined", application, application.project.contact)


def offer_lapsed(application):
    """Both sides: the student's offer is gone, the supervisor's opening is free again."""
    _application("offer-lapsed-student", application, application.student)
    _application("offer-lapsed-supervisor", application, application.project.contact)


def applications_digest(project, *, key, new_count, total):
    return _send("applications-digest", key, project.contact, project=project, new_count=new_count, total=total)
