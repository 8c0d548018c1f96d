"""List and mix gradients: the palette of API.md, and the interface an LLM colour picker implements."""

from __future__ import annotations

import random
from typing import Protocol

from filmhub.core.entities import Gradient

PALETTE: tuple[Gradient, ...] = tuple(
    Gradient(*colors)
    for colors in (
        ("#B2FEFA", "#0ED2F7", "#00C3FF"),
        ("#31B4EA", "#6F97EB", "#B577EC"),
        ("#F197FF", "#3ED4D9", "#5BFF9F"),
        ("#57D7E6", "#7CED61", "#DCF2DA"),
        ("#69D3D0", "#9DE1A4", "#E3F75F"),
        ("#D1F746", "#3ED4D9", "#5BFF9F"),
        ("#B66EE7", "#FDC500", "#FFF20F"),
        ("#FFD500", "#C2E59C", "#FFFF2F"),
        ("#FF65B3", "#FBE300", "#FFD50F"),
        ("#EE0979", "#FF6A00", "#FFF64F"),
        ("#FFA62B", "#FF49C5", "#00C0EF"),
        ("#FE5B4F", "#FFAB28", "#FAD02F"),
        ("#FF0000", "#FF006F", "#DC00CF"),
        ("#A11692", "#FF0000", "#F4000F"),
        ("#A33AEA", "#FD1D1D", "#FE8C0F"),
        ("#FF72A2", "#FFB292", "#FCFBEF"),
        ("#FFA3A5", "#F686BD", "#BDE0FF"),
        ("#FF36AB", "#FF74D4", "#ED5C8F"),
        ("#2A4EC1", "#9532C7", "#09003F"),
        ("#13AFCE", "#9D44EC", "#E34B9F"),
        ("#59C173", "#A17FE0", "#5D26CF"),
    )
)


class GradientPicker(Protocol):
    def pick(self, title: str) -> Gradient:
        """A gradient that suits ``title``; must always answer (fallbacks included)."""
        ...


class PaletteGradients:
    """A random gradient of the palette (the random source is injectable for tests)."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or random.Random()

    def pick(self, title: str) -> Gradient:
        return self._rng.choice(PALETTE)
