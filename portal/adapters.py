import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site

from . import emails


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """allauth's emails (verification, password reset, ...) go through the outbox too."""
        request = allauth_context.request
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "site_name": settings.SITE_NAME,
            **context,
        }
        message = self.render_mail(template_prefix, email, ctx)
        html = next((body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"), "")
        emails.account_message(
            kind=template_prefix.rsplit("/", 1)[-1],
            # Each account email is its own event (a new link or code every time).
            key=uuid.uuid4().hex,
            recipient=email,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
        )

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.role = form.cleaned_data.get("role") or user.Role.STUDENT
        if commit:
            user.save()
        return user
