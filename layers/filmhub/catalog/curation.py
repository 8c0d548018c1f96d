"""Editorial tools: admins create, edit, fill, order and delete mixes (issue: roles and curation)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from filmhub.catalog.ports import MixRepository
from filmhub.catalog.service import CatalogService
from filmhub.core.entities import Gradient, Mix
from filmhub.core.errors import InvalidInput, NotFound
from filmhub.core.ids import new_id
from filmhub.core.palette import GradientPicker


class MixCuration:
    def __init__(
        self,
        repository: MixRepository,
        catalog: CatalogService,
        gradients: GradientPicker,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._repository = repository
        self._catalog = catalog
        self._gradients = gradients
        self._clock = clock

    def create(self, title: str, gradient: Gradient | None) -> Mix:
        # New mixes list after the seeded ones, in creation order.
        mix = Mix(new_id(), title, gradient or self._gradients.pick(title), position=int(self._clock()))
        self._repository.create(mix)
        self._catalog.forget_mixes()
        return mix

    def update(self, mix_id: str, title: str, gradient: Gradient | None) -> Mix:
        current = self._catalog.mix(mix_id)
        updated = Mix(mix_id, title, gradient or current.gradient, current.position)
        self._repository.update(updated)
        self._catalog.forget_mixes()
        return updated

    def delete(self, mix_id: str) -> None:
        self._catalog.mix(mix_id)  # 404 when unknown
        self._repository.mark_deleting(mix_id)
        self._catalog.forget_mixes()
        self._repository.purge(mix_id)

    def add(self, mix_id: str, film_id: str) -> None:
        mix, film = self._repository.get_with_film(mix_id, film_id)
        if mix is None:
            raise NotFound("Mix not found")
        if film is None:
            raise NotFound("Film not found")
        self._repository.add_entry(mix_id, film_id, position=int(self._clock() * 1000))

    def remove(self, mix_id: str, film_id: str) -> None:
        if not self._repository.remove_entry(mix_id, film_id):
            raise NotFound("Film not found in mix")

    def reorder(self, mix_id: str, film_ids: Sequence[str]) -> None:
        mix, current = self._repository.entries(mix_id)
        if mix is None:
            raise NotFound("Mix not found")
        if len(film_ids) != len(set(film_ids)) or set(film_ids) != set(current):
            raise InvalidInput("film_ids must list exactly the films of the mix, once each")
        self._repository.reorder(mix_id, film_ids)
