"""Re-entering the password before a sensitive change, with a limit on wrong guesses.

A stolen session must not become a way to guess the password: after a few wrong tries the
check refuses for a while, whatever is typed.
"""

from django.core.cache import cache

PASSWORD_TRIES = 5
PASSWORD_WINDOW_SECONDS = 15 * 60


def password_problem(user, password, *, scope):
    """None when ``password`` is the user's; otherwise the message to show beside the field."""
    key = f"password-tries:{scope}:{user.pk}"
    tries = cache.get(key, 0)
    if tries >= PASSWORD_TRIES:
        return "Too many wrong passwords. Try again in 15 minutes."
    if not user.check_password(password or ""):
        cache.set(key, tries + 1, PASSWORD_WINDOW_SECONDS)
        return "That is not your current password."
    return None
