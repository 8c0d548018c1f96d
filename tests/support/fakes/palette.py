"""A gradient picker that always answers with one gradient, remembering the titles it was asked about."""

from __future__ import annotations

from dataclasses import dataclass, field

from filmhub.core.entities import Gradient
from filmhub.core.palette import PALETTE


@dataclass
class FixedGradients:
    gradient: Gradient = PALETTE[0]
    titles: list[str] = field(default_factory=list)

    def pick(self, title: str) -> Gradient:
        self.titles.append(title)
        return self.gradient
