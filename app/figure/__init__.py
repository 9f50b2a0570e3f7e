"""Figures for slides: a view's stage drawn on the server as SVG, PNG, GIF or TikZ."""
