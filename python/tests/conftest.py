"""Shared fixtures: the repository's test data and the `tropical` command built by cargo.

The CLI is the independent reference of every binding test: the same inputs go through the
command's `--json` mode and through the package, and the results must agree. Set
`TROPICAL_BIN` to the binary, or build it first (`cargo build -p tropical-cli`); the tests fail,
rather than skip, when it is missing, so that CI cannot pass without running them.
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TESTDATA = REPO / "attention" / "testdata"
TINY_BERT = TESTDATA / "tiny-bert.safetensors"
TINY_CONTEXT = TESTDATA / "tiny-context.json"


def _find_bin() -> Path:
    env = os.environ.get("TROPICAL_BIN")
    if env:
        return Path(env)
    for profile in ("release", "debug"):
        p = REPO / "target" / profile / "tropical"
        if p.exists():
            return p
    raise RuntimeError(
        "the `tropical` binary is needed as the reference: run `cargo build -p tropical-cli` "
        "or set TROPICAL_BIN"
    )


@pytest.fixture(scope="session")
def tropical_bin() -> Path:
    return _find_bin()


@pytest.fixture(scope="session")
def cli(tropical_bin):
    """Run `tropical ARGS --json` and return the parsed JSON."""

    def run(*args):
        out = subprocess.run([str(tropical_bin), *map(str, args), "--json"],
                             capture_output=True, text=True, timeout=600)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    return run


@pytest.fixture(scope="session")
def cli_error(tropical_bin):
    """Run `tropical ARGS` expecting failure; return the `error: ...` line."""

    def run(*args):
        out = subprocess.run([str(tropical_bin), *map(str, args)], capture_output=True,
                             text=True, timeout=600)
        assert out.returncode == 2, out
        return out.stderr.strip().splitlines()[0]

    return run


@pytest.fixture(scope="session")
def tiny_context():
    return json.loads(TINY_CONTEXT.read_text())
