"""Every email the portal sends, one function each: who gets it, what it says, once per what.

Each function writes one outbox row (``portal.outbox``) in the caller's transaction, from the
templates ``emails/<kind>-subject.txt``, ``-body.txt`` and ``-body.html``, rendered in the
recipient's time zone. The row's key is (kind, object, recipient): calling a function again for
the same event mails nobody twice. Services call these; nothing else names a template.

The functions take the objects they talk about and read their attributes, so this module needs
no import from the apps above ``portal``.
"""

from django.utils import timezone

from .outbox import attachment, outbox_enqueue, outbox_store
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


def _organization_standing(kind, organization):
    """Every member hears of a change of the organization's standing, once per change."""
    changed = organization.status_changed_at.timestamp()
    key = f"{organization._meta.label_lower}:{organization.pk}:{organization.status}:{changed}"
    for membership in organization.memberships.select_related("user"):
        _send(kind, key, membership.user, organization=organization)


def organization_verified(organization):
    _organization_standing("organization-verified", organization)


def organization_suspended(organization):
    _organization_standing("organization-suspended", organization)


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


def payroll_duplicate_taxpayer_id(student, *, holders, key):
    """The career center hears that ``student`` gave a taxpayer id already on the records of
    ``holders``: the accounts are named, never the number."""
    from django.conf import settings

    return _send(
        "payroll-duplicate-taxpayer-id",
        key,
        None,
        email=settings.CAREER_CENTER_EMAIL,
        student=student,
        holders=holders,
    )


# Payouts: to the student paid, when there is still one (a deleted account has none).


def _payout(kind, payout, *, key=None, **context):
    if payout.student_id is None:
        return None
    return _send(kind, key or payout, payout.student, payout=payout, **context)


def payout_blocked(payout, *, cause, reason):
    """Approval refused for ``cause`` (a short code): once per payout and cause."""
    return _payout("payout-blocked", payout, key=f"payroll.payout:{payout.pk}:blocked:{cause}", reason=reason)


def payout_on_its_way(payout):
    """The run holding it was exported to the bank (or the checks printed)."""
    return _payout("payout-on-its-way", payout, key=f"payroll.payout:{payout.pk}:run{payout.run_id}")


def payout_paid(payout):
    return _payout("payout-paid", payout)


def payout_failed(payout, *, event):
    return _payout("payout-failed", payout, key=f"payroll.payout:{payout.pk}:failed:{event.pk}")


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


def not_selected_no_decision(application, *, days):
    return _application("not-selected-no-decision", application, application.student, days=days)


def project_decide_reminder(project, *, waiting, decide_by):
    """The contact of a closed project with applicants still undecided; once per project."""
    return _send(
        "project-decide-reminder", project, project.contact, project=project, waiting=waiting, decide_by=decide_by
    )


def applications_digest(project, *, key, new_count, total):
    return _send("applications-digest", key, project.contact, project=project, new_count=new_count, total=total)


# Engagements: the work after an accepted offer. ``to`` is the supervisor, the student, or both.


def _engagement(kind, engagement, person, *, key=None, invitation=None, **context):
    attachments = None
    if invitation is not None:
        attachments = [attachment(invitation[0], invitation[1], "text/calendar; method=" + invitation[2])]
    return _send(
        kind,
        key or engagement,
        person,
        attachments=attachments,
        engagement=engagement,
        project=engagement.project,
        student=engagement.application.student,
        supervisor=engagement.project.contact,
        **context,
    )


def _both(engagement):
    return [engagement.application.student, engagement.project.contact]


def kickoff_times_offered(engagement, *, slots, key):
    return _engagement("kickoff-times-offered", engagement, engagement.application.student, key=key, slots=slots)


def kickoff_times_requested(engagement, *, key, note):
    return _engagement("kickoff-times-requested", engagement, engagement.project.contact, key=key, note=note)


def kickoff_booked(engagement, *, invitation):
    """Both people, with the calendar invitation (``invitation`` = (file name, text, method))."""
    kind = "kickoff-moved" if engagement.invite_sequence > 1 else "kickoff-booked"
    key = f"{engagement._meta.label_lower}:{engagement.pk}:seq{engagement.invite_sequence}"
    for person in _both(engagement):
        _engagement(kind, engagement, person, key=key, invitation=invitation)


def kickoff_cancelled(engagement, *, invitation):
    key = f"{engagement._meta.label_lower}:{engagement.pk}:seq{engagement.invite_sequence}"
    for person in _both(engagement):
        _engagement("kickoff-cancelled", engagement, person, key=key, invitation=invitation)


def kickoff_tomorrow(engagement):
    key = f"{engagement._meta.label_lower}:{engagement.pk}:{engagement.kickoff_at.isoformat()}"
    for person in _both(engagement):
        _engagement("kickoff-tomorrow", engagement, person, key=key)


def due_date_moved(engagement, *, reason):
    key = f"{engagement._meta.label_lower}:{engagement.pk}:{engagement.due_on.isoformat()}"
    return _engagement("due-date-moved", engagement, engagement.application.student, key=key, reason=reason)


def due_soon(engagement, *, days):
    key = f"{engagement._meta.label_lower}:{engagement.pk}:{engagement.due_on.isoformat()}:{days}"
    return _engagement("due-soon", engagement, engagement.application.student, key=key, days=days)


def overdue(engagement):
    key = f"{engagement._meta.label_lower}:{engagement.pk}:{engagement.due_on.isoformat()}"
    for person in _both(engagement):
        _engagement("overdue", engagement, person, key=key)


def work_submitted(engagement, *, submission):
    return _engagement("work-submitted", engagement, engagement.project.contact, key=submission, submission=submission)


def changes_requested(engagement, *, submission):
    return _engagement(
        "changes-requested", engagement, engagement.application.student, key=submission, submission=submission
    )


def work_verified(engagement, *, submission):
    return _engagement(
        "work-verified", engagement, engagement.application.student, key=submission, submission=submission
    )


def verification_late(engagement, *, submission, days, staff=()):
    """The supervisor at 3 days; career center staff at 7."""
    key = f"{submission._meta.label_lower}:{submission.pk}:{days}"
    people = list(staff) if staff else [engagement.project.contact]
    for person in people:
        _engagement(
            "verification-late", engagement, person, key=key, submission=submission, days=days, to_staff=bool(staff)
        )


def engagement_cancelled(engagement, *, by, people):
    """The other side and career center staff."""
    for person in people:
        _engagement("engagement-cancelled", engagement, person, by=by, to_staff=person.is_staff)


# After the work: feedback, the checklist, the student's thank-you.


def feedback_received(engagement, *, feedback):
    """The student: the supervisor's ratings and comment are on the engagement page (never the
    private note, which is not passed here)."""
    return _engagement("feedback-received", engagement, engagement.application.student, key=feedback)


def feedback_reminder(engagement, *, days, deadline):
    key = f"{engagement._meta.label_lower}:{engagement.pk}:{days}"
    return _engagement(
        "feedback-reminder", engagement, engagement.project.contact, key=key, days=days, deadline=deadline
    )


def checklist_reminder(engagement, *, days, items):
    key = f"{engagement._meta.label_lower}:{engagement.pk}:{days}"
    return _engagement("checklist-reminder", engagement, engagement.application.student, key=key, items=items)


def thank_you(engagement, *, completion, message):
    """The student's note to the supervisor; a reply goes straight to the student."""
    student = engagement.application.student
    return _send(
        "thank-you",
        completion,
        engagement.project.contact,
        headers={"Reply-To": student.email},
        engagement=engagement,
        project=engagement.project,
        student=student,
        message=message,
    )
