"""What happens to projects that later apps react to (they may not be imported from here)."""

from django.dispatch import Signal

# Sent inside the transaction that cancels a project: ``project`` and ``by``.
project_cancelled = Signal()
