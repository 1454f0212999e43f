"""Charts drawn on the server as inline SVG: nothing to load from a CDN, nothing to run in
the page. Labels are escaped; sizes use a viewBox, so a chart fits a phone and a desk."""

from __future__ import annotations

from html import escape

__all__ = ["trend_chart", "progress_bar"]

#: The drawing's units; TOP leaves the legend a line of its own above the tallest bar's number.
WIDTH, HEIGHT, PAD, TOP, BOTTOM = 600, 240, 34, 54, 34


def trend_chart(points: list[tuple[str, int, int]], title: str, bars_label: str, line_label: str) -> str:
    """Weekly bars (the first number) with a line (the second), week labels under the bars."""
    if not points:
        return ""
    top = max(max(v for _w, v, _c in points), max(c for _w, _v, c in points), 1)
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - TOP - BOTTOM
    step = inner_w / len(points)
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg">', f"<title>{escape(title)}</title>",
             f'<line x1="{PAD}" y1="{TOP + inner_h}" x2="{WIDTH - PAD}" y2="{TOP + inner_h}" class="axis"/>',
             f'<text x="{PAD}" y="22" class="legend"><tspan class="bar-key">■</tspan> {escape(bars_label)}'
             f' <tspan class="line-key">●</tspan> {escape(line_label)}</text>']
    line = []
    for i, (week, value, companies) in enumerate(points):
        x = PAD + i * step
        h = inner_h * value / top
        y = TOP + inner_h - h
        parts.append(f'<rect class="bar" x="{x + step * 0.15:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" '
                     f'height="{h:.1f}"><title>{escape(week)}: {value}</title></rect>')
        parts.append(f'<text class="value" x="{x + step / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{value}</text>')
        alternate = " alt" if (len(points) - 1 - i) % 2 else ""  # hidden on a phone, where labels would touch
        parts.append(f'<text class="tick{alternate}" x="{x + step / 2:.1f}" y="{TOP + inner_h + 22}" '
                     f'text-anchor="middle">'
                     f'{escape(week[-3:])}</text>')
        line.append(f"{x + step / 2:.1f},{TOP + inner_h - inner_h * companies / top:.1f}")
    parts.append(f'<polyline class="line" fill="none" points="{" ".join(line)}"/>')
    parts.append("</svg>")
    return "".join(parts)


def progress_bar(share: float, label: str) -> str:
    """A bar filled to `share` (0..1, capped), with the label read out."""
    filled = max(0.0, min(1.0, share)) * 100
    return (f'<svg class="progress" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" '
            f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(label)}</title>'
            f'<rect x="0" y="0" width="100" height="8" class="track"/>'
            f'<rect x="0" y="0" width="{filled:.2f}" height="8" class="fill"/></svg>')
