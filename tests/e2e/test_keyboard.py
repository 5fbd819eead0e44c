"""Signing in and applying with the keyboard alone: every step reached with Tab, typed, and
submitted with Enter, the focus ring visible on the way."""

import re

import pytest

from applications.models import Application
from opportunities.models import Project
from tests.pages import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROJECT = "Job description audit for inclusive language"  # the demo student has not applied yet


def tab_to(page, matches, limit=60):
    """Press Tab until the focused element matches the CSS selector; return its text or value."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", matches):
            return
    raise AssertionError(f"Tab never reached {matches}")


def test_a_student_signs_in_and_applies_with_the_keyboard_only(page):
    seed_demo()
    project = Project.objects.get(title=PROJECT)
    from portal.demo import demo_password

    page.goto("/accounts/login/")
    tab_to(page, "a.skip-link")
    page.keyboard.press("Enter")
    tab_to(page, "#id_login")
    page.keyboard.type("student@demo.test")
    tab_to(page, "#id_password")
    page.keyboard.type(demo_password())
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/dashboard/$"))

    page.goto(project.get_absolute_url())
    tab_to(page, f"a[href='/projects/{project.slug}/apply/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/apply/$"))
    for _ in project.questions.filter(required=True):
        tab_to(page, "textarea")
        page.keyboard.type("I rewrite job posts for my student club so more people apply.")
    tab_to(page, "button[value='submit']")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    page.get_by_text("Application submitted.").wait_for()
    assert Application.objects.get(project=project, student__email="student@demo.test").status == "submitted"
