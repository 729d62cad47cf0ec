"""Pose-driven exercise figures: pure Python (no Django, no other app), data in, SVG/PNG out.

A *demonstration* is an exercise's keyframes (start, optional middle, end) plus the props it uses.
`pose` parses and validates it, `geometry` places the body on its supports and classifies the
position it shows, `svg` draws it (animated or still) and `raster` draws a PNG for emails.
"""

from exercises.figures.geometry import classify_position, place
from exercises.figures.pose import Demonstration, Pose, PoseError, parse_demonstration
from exercises.figures.svg import figure_stylesheet, render_animated, render_pair, render_still

__all__ = [
    "Demonstration",
    "Pose",
    "PoseError",
    "classify_position",
    "figure_stylesheet",
    "parse_demonstration",
    "place",
    "render_animated",
    "render_pair",
    "render_still",
]
