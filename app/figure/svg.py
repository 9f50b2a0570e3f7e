"""A scene as SVG: text stays text (selectable, searchable, scalable), built with
ElementTree so that every value is escaped and the document is well-formed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.figure.scene import Line, Rect, Scene, Text

FONT = "'DejaVu Sans', system-ui, 'Segoe UI', Roboto, sans-serif"
SVG_NS = "http://www.w3.org/2000/svg"


def _n(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def render(scene: Scene) -> bytes:
    ET.register_namespace("", SVG_NS)
    root = ET.Element(f"{{{SVG_NS}}}svg", {
        "width": _n(scene.width), "height": _n(scene.height),
        "viewBox": f"0 0 {_n(scene.width)} {_n(scene.height)}",
        "font-family": FONT, "role": "img"})
    ET.SubElement(root, f"{{{SVG_NS}}}title").text = scene.title
    ET.SubElement(root, f"{{{SVG_NS}}}rect", {"width": "100%", "height": "100%",
                                              "fill": scene.paper})
    for item in scene.items:
        if isinstance(item, Rect):
            attrs = {"x": _n(item.x), "y": _n(item.y), "width": _n(item.w),
                     "height": _n(item.h), "fill": item.fill or "none"}
            if item.stroke:
                attrs |= {"stroke": item.stroke, "stroke-width": _n(item.width)}
                if item.dashed:
                    attrs["stroke-dasharray"] = "3 2"
            ET.SubElement(root, f"{{{SVG_NS}}}rect", attrs)
        elif isinstance(item, Line):
            ET.SubElement(root, f"{{{SVG_NS}}}line", {
                "x1": _n(item.x1), "y1": _n(item.y1), "x2": _n(item.x2), "y2": _n(item.y2),
                "stroke": item.stroke, "stroke-width": _n(item.width)})
        elif isinstance(item, Text):
            attrs = {"x": _n(item.x), "y": _n(item.y), "font-size": _n(item.size),
                     "fill": item.fill, "text-anchor": item.anchor,
                     "dominant-baseline": "central"}
            if item.bold:
                attrs["font-weight"] = "bold"
            if item.role:
                attrs["class"] = item.role
            ET.SubElement(root, f"{{{SVG_NS}}}text", attrs).text = item.text
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data
