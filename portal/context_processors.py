def navigation(request):
    """Which navigation the signed-in person gets."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_role": "anonymous"}
    if user.is_staff:
        return {"nav_role": "staff"}
    return {"nav_role": user.role}
