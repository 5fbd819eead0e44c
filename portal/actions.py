"""One shape for the pages' small POST actions (withdraw, accept, close, cancel...): load the
object the person may act on (404 otherwise), call the service, say what happened, go back."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from .transitions import TransitionError


def post_action(*, load, call, done, back=None):
    """A view: ``load(request, **url_kwargs)`` returns the object or raises 404;
    ``call(request, obj)`` runs the service; ``back(obj)`` is where to go (the object's page)."""

    @login_required
    @require_POST
    def view(request, **kwargs):
        obj = load(request, **kwargs)
        try:
            call(request, obj)
        except TransitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
        return redirect(back(obj) if back else obj)

    return view
