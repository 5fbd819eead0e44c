from html import escape as _escape  # plain str, quotes too

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..outcomes_views import can_see_outcomes as _can_see_outcomes

register = template.Library()


@register.filter
def can_see_outcomes(user):
    return _can_see_outcomes(user)


@register.simple_tag
def table_rows(table):
    """A table's body rows: the label and each cell's display (a node per cell made the tables
    half of the dashboard's rendering), or one row saying nobody matches."""
    if not table["rows"]:
        return format_html('<tr><td colspan="{}">No students match these filters.</td></tr>', len(table["headings"]))
    return mark_safe(  # noqa: S308 - every label and figure is escaped here
        "\n".join(
            f'<tr><th scope="row">{_escape(str(row["label"]))}</th>'
            + "".join(f'<td class="num">{_escape(str(cell.display))}</td>' for cell in row["cells"])
            + "</tr>"
            for row in table["rows"]
        )
    )


@register.simple_tag
def chart_bars(chart):
    """A bar chart's bars (``outcomes_views.bar_chart``): the label, the bar when it has a width,
    and the figure."""
    parts = []
    for bar in chart["rows"]:
        label = f'<text x="0" y="{bar["text_y"]}" font-size="13" fill="#1b1b1b">{_escape(str(bar["label"]))}</text>'
        rect = (
            f'<rect x="{chart["bar_x"]}" y="{bar["y"] + 6}" width="{bar["width"]}" height="18" fill="#205493"></rect>'
            if bar["width"]
            else ""
        )
        figure = (
            f'<text x="{bar["value_x"]}" y="{bar["text_y"]}" font-size="13" fill="#1b1b1b">'
            f"{_escape(str(bar['display']))}</text>"
        )
        parts.append(label + rect + figure)
    return mark_safe("\n".join(parts))  # noqa: S308 - every label and figure is escaped here
