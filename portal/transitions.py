"""The one way a row changes state, and the one error a refused change raises.

Every service that moves a project, an application, an engagement or a payout calls
``transition``: it locks the row, checks the state it starts from against a list the model
keeps (``Project.CANCELLABLE``, ``Application.UNDECIDED``...), saves only the fields it
changed, and writes one event row (who, when, from which state to which, a note). Called inside
the caller's ``transaction.atomic()``, so a refusal further on rolls the whole change back and
nothing is ever half done.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class TransitionError(Exception):
    """A change refused for a reason the person can read: the message is safe to show.

    ``next_step`` and ``url`` say what to do about it when there is something to do; ``field``
    names the form field the message belongs beside.
    """

    def __init__(self, message="", *, next_step="", url="", field=None):
        super().__init__(message)
        self.next_step = next_step
        self.url = url
        self.field = field


class Event(models.Model):
    """One step of a row's trail. Each stateful model has a concrete subclass with a foreign key
    named by ``subject_field`` and ``related_name="events"``."""

    subject_field = ""

    from_status = models.CharField(max_length=24)
    to_status = models.CharField(max_length=24)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{getattr(self, self.subject_field)}: {self.from_label} → {self.to_label}"

    def _label(self, value):
        field = self._meta.get_field(self.subject_field).related_model._meta.get_field("status")
        return dict(field.choices).get(value, value)

    @property
    def from_label(self):
        return self._label(self.from_status)

    @property
    def to_label(self):
        return self._label(self.to_status)


def state_label(instance):
    return instance.get_status_display().lower()


def check_state(instance, allowed, verb):
    """Refuse, with the current state in the message, unless ``instance`` is in ``allowed``."""
    if instance.status not in allowed:
        noun = instance._meta.verbose_name
        raise TransitionError(f"This {noun} is {state_label(instance)}, so it cannot be {verb}. Nothing was changed.")


def lock(instance, *, related=()):
    """The row again, locked until the end of the transaction (``select_for_update``)."""
    queryset = type(instance)._default_manager.select_for_update()
    if related:
        queryset = queryset.select_related(*related)
    return queryset.get(pk=instance.pk)


def transition(instance, *, to, allowed, verb, by=None, note="", locked=False, event=True, **changes):
    """Move ``instance`` to ``to`` if its current state is in ``allowed``; returns the locked,
    saved row. ``changes`` are other fields to set in the same save. ``locked=True`` when the
    caller already holds the row's lock (it then passes the locked instance). Models whose trail
    is their history (django-simple-history) pass ``event=False``; ``by`` is recorded there.
    """
    row = instance if locked else lock(instance)
    check_state(row, allowed, verb)
    previous = row.status
    row.status = to
    for name, value in changes.items():
        setattr(row, name, value)
    fields = ["status", *changes]
    if any(f.name == "updated_at" for f in row._meta.concrete_fields):
        fields.append("updated_at")
    row._history_user = by  # read by django-simple-history where the model keeps one
    row.save(update_fields=fields)
    if event:
        row.events.create(from_status=previous, to_status=to, by=by, note=note)
    return row


def transition_batch(rows, *, to, allowed, verb, by=None, note="", **changes):
    """``transition`` for many rows the caller has locked (``select_for_update``): each must be
    in ``allowed``; one UPDATE moves them all and one INSERT writes their events (a fan-out to a
    thousand applicants stays a few queries). Returns the rows, moved."""
    rows = list(rows)
    if not rows:
        return rows
    for row in rows:
        check_state(row, allowed, verb)
    model = type(rows[0])
    fields = {"status": to, **changes}
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        fields["updated_at"] = timezone.now()
    moved = model._default_manager.filter(pk__in=[row.pk for row in rows], status__in=allowed).update(**fields)
    if moved != len(rows):  # cannot happen while the rows are locked; never half done
        raise TransitionError(f"Some of these changed meanwhile, so they cannot be {verb}. Nothing was changed.")
    event_model = model._meta.get_field("events").related_model
    subject = event_model.subject_field
    event_model.objects.bulk_create(
        event_model(**{subject: row}, from_status=row.status, to_status=to, by=by, note=note) for row in rows
    )
    for row in rows:
        for name, value in fields.items():
            setattr(row, name, value)
    return rows
