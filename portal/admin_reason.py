"""What every admin shares: actions that call a service once per selected row (with a reason
from staff where the service needs one), and the read-only inline of a row's event trail.

The reason page posts the same action again with the selected rows and the reason, the way
Django's own delete confirmation does, so the action itself stays one call to a service per row.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from .transitions import TransitionError


class ReadOnlyInline(admin.TabularInline):
    """Rows shown beside their parent to read, never to add, change or delete."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """A model staff read, filter and export, but never add, change or delete here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def event_inline(event_model):
    """The trail of a row (``ProjectEvent``, ``ApplicationEvent``...) as a read-only inline."""

    class EventInline(ReadOnlyInline):
        model = event_model
        fields = ["at", "from_label", "to_label", "by", "note"]
        readonly_fields = fields
        verbose_name = "event"
        verbose_name_plural = "history of states"

    EventInline.__name__ = f"{event_model.__name__}Inline"
    return EventInline


def apply_each(modeladmin, request, queryset, apply, *, done_message, label=str):
    """Call ``apply(obj)`` for each selected row; report how many were done and, beside each
    row that was refused, the service's reason. Returns the number done."""
    done, refused = 0, []
    for obj in queryset:
        try:
            apply(obj)
        except TransitionError as exc:
            refused.append(f"{label(obj)}: {exc}")
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message.format(count=done), messages.SUCCESS)
    for line in refused:
        modeladmin.message_user(request, line, messages.WARNING)
    return done


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
        help_text="Sent to the people concerned or kept in the history.",
    )


def action_with_reason(
    modeladmin, request, queryset, *, title, apply, done_message=None, form_class=ReasonForm, submit_label=None
):
    """Ask for a reason, then ``apply(obj, reason)`` each selected row; report what happened."""
    form = form_class(request.POST if "reason" in request.POST else None)
    if form.is_bound and form.is_valid():
        reason = form.cleaned_data["reason"]
        apply_each(
            modeladmin,
            request,
            queryset,
            lambda obj: apply(obj, reason),
            done_message=done_message or f"{title}: {{count}} done.",
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "queryset": queryset,
        "form": form,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "submit_label": submit_label or title,
    }
    return TemplateResponse(request, "admin/reason_action.html", context)
