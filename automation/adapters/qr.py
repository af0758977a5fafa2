"""QR codes as inline SVG (segno), for posters and letters."""

from __future__ import annotations


def qr_svg(data: str) -> str:
    """An SVG element (scalable, no fixed size) encoding ``data`` with medium error correction."""
    import segno

    code = segno.make(data, error="m", micro=False)
    svg: str = code.svg_inline(border=4, omitsize=True, dark="#000000", light="#ffffff")
    return svg
