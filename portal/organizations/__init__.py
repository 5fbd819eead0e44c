"""Organizations and their members: services, forms, views and admin.

The models live in ``portal.models`` with the other people; this package holds the rest so
that the organization code reads as one piece.
"""
