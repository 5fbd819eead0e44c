"""Admin actions that need a reason from staff (suspend, send back): an intermediate page.

The page posts the same action again with the selected rows and the reason, the way Django's
own delete confirmation does, so the action itself stays one call to a service per row.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
        help_text="Sent to the people concerned or kept in the history.",
    )


def action_with_reason(modeladmin, request, queryset, *, title, apply, error_class):
    """Ask for a reason, then ``apply(obj, reason)`` each selected row; report what happened."""
    form = ReasonForm(request.POST if request.POST.get("reason_given") else None)
    if form.is_bound and form.is_valid():
        done, refused = 0, []
        for obj in queryset:
            try:
                apply(obj, form.cleaned_data["reason"])
            except error_class as exc:
                refused.append(f"{obj}: {exc}")
            else:
                done += 1
        if done:
            modeladmin.message_user(request, f"{title}: {done} done.", messages.SUCCESS)
        for line in refused:
            modeladmin.message_user(request, line, messages.WARNING)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "queryset": queryset,
        "form": form,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/reason_action.html", context)
