"""The main window's screens by step, each built (with its page in the window's stack) the first time it is used."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from kiosk.ui.screens import SCREENS, Screen
from kiosk.viewmodels.flow_state import Step


class LazyScreens(Mapping[Step, Screen]):
    """``screens[step]`` builds that step's screen on first use; ``built()`` lists only those made so far.

    Iterating over it (``values()``, ``items()``) builds every screen: use ``built()`` to visit what exists."""

    def __init__(self, build: Callable[[Step], Screen]) -> None:
        self._build = build
        self._built: dict[Step, Screen] = {}

    def __getitem__(self, step: Step) -> Screen:
        screen = self._built.get(step)
        if screen is None:
            if step not in SCREENS:
                raise KeyError(step)
            screen = self._built[step] = self._build(step)
        return screen

    def __iter__(self) -> Iterator[Step]:
        return iter(SCREENS)

    def __len__(self) -> int:
        return len(SCREENS)

    def built(self) -> list[Screen]:
        return list(self._built.values())

    def is_built(self, step: Step) -> bool:
        return step in self._built

    def next_unbuilt(self) -> Step | None:
        """The first step, in the sale's order, whose screen is not built yet."""
        return next((step for step in SCREENS if step not in self._built), None)
