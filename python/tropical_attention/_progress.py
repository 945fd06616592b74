"""Progress of long calls: a tqdm bar when tqdm is installed, else one line on stderr.
:class:`Progress` counts cells (the region counts), :class:`RowProgress` rows (the certifier)."""

import sys
from typing import Callable, Optional


class _Display:
    """A context manager holding a tqdm bar (``desc``, ``unit``) or, without tqdm, the state of
    a line rewritten on stderr (ended by a newline on exit once shown)."""

    def __init__(self, enabled: bool, desc: str, unit: str):
        self.enabled = enabled
        self.desc = desc
        self.unit = unit
        self.bar = None
        self.shown = False

    def __enter__(self):
        if self.enabled:
            try:
                from tqdm.auto import tqdm  # type: ignore[import-not-found]

                self.bar = tqdm(desc=self.desc, unit=self.unit, leave=False)
            except ImportError:
                self.bar = None
        return self

    def _line(self, text: str) -> None:
        sys.stderr.write(f"\r{text}")
        sys.stderr.flush()
        self.shown = True

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()


class Progress(_Display):
    """A context manager giving a ``callback(cells_found, cells_explored, lps_solved)``."""

    def __init__(self, enabled: bool, desc: str):
        super().__init__(enabled, desc, " cells")

    @property
    def callback(self) -> Optional[Callable[[int, int, int], None]]:
        return self._update if self.enabled else None

    def _update(self, found: int, explored: int, lps: int) -> None:
        if self.bar is not None:
            self.bar.n = found
            self.bar.set_postfix_str(f"{explored} explored, {lps} LPs", refresh=False)
            self.bar.refresh()
        else:
            self._line(f"{self.desc}: {found} cells found ({explored} explored, {lps} LPs)")


class RowProgress(_Display):
    """Rows certified so far: a context manager giving a ``callback(rows_done, rows_total)``."""

    def __init__(self, enabled: bool):
        super().__init__(enabled, "certify", " rows")

    @property
    def callback(self) -> Optional[Callable[[int, int], None]]:
        return self._update if self.enabled else None

    def _update(self, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.total = total
            self.bar.n = done
            self.bar.refresh()
        else:
            self._line(f"certify: {done}/{total} rows")
