"""Progress of long counts: a tqdm bar when tqdm is installed, else one line on stderr."""

import sys
from typing import Callable, Optional


class Progress:
    """A context manager giving a ``callback(cells_found, cells_explored, lps_solved)``."""

    def __init__(self, enabled: bool, desc: str):
        self.enabled = enabled
        self.desc = desc
        self.bar = None
        self.shown = False

    def __enter__(self) -> "Progress":
        if self.enabled:
            try:
                from tqdm.auto import tqdm  # type: ignore[import-not-found]

                self.bar = tqdm(desc=self.desc, unit=" cells", leave=False)
            except ImportError:
                self.bar = None
        return self

    @property
    def callback(self) -> Optional[Callable[[int, int, int], None]]:
        return self._update if self.enabled else None

    def _update(self, found: int, explored: int, lps: int) -> None:
        if self.bar is not None:
            self.bar.n = found
            self.bar.set_postfix_str(f"{explored} explored, {lps} LPs", refresh=False)
            self.bar.refresh()
        else:
            sys.stderr.write(f"\r{self.desc}: {found} cells found ({explored} explored, {lps} LPs)")
            sys.stderr.flush()
            self.shown = True

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()
