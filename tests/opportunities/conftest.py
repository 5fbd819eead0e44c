import pytest

from tests.factories import SkillFactory


@pytest.fixture
def python_skill(db):
    return SkillFactory(name="Python", slug="python")


@pytest.fixture
def excel(db):
    return SkillFactory(name="Microsoft Excel", slug="microsoft-excel")
