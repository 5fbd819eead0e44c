"""The answers on the employer's applicant cards: written as Django's linebreaks filter writes them."""

from django.utils.html import linebreaks
from hypothesis import given
from hypothesis import strategies as st

from applications.templatetags.application_tags import answer_blocks, paragraphs

# Line breaks of every kind, and what HTML would read as markup.
PIECES = st.sampled_from(["\n", "\n\n", "\n\n\n", "\r\n", "\r\n\r\n", "\r", " ", "<b>", "&", '"', "'", "a", "é"])


@given(st.lists(st.one_of(PIECES, st.text(max_size=20)), max_size=30).map("".join))
def test_paragraphs_are_what_linebreaks_gives(text):
    assert paragraphs(text) == linebreaks(text, autoescape=True)


def test_each_answer_under_its_question_escaped():
    html = answer_blocks([("Why <em>us</em>?", "<b>First</b>\r\n\r\nSecond & last\nline"), ("Tools?", "")])
    assert html == (
        '<h3 class="answer-question">Why &lt;em&gt;us&lt;/em&gt;?</h3><div class="prose">'
        "<p>&lt;b&gt;First&lt;/b&gt;</p>\n\n<p>Second &amp; last<br>line</p></div>"
        '<h3 class="answer-question">Tools?</h3><div class="prose"><p class="muted">No answer.</p></div>'
    )
