"""Shared fixtures of the Python module's tests (run by ctest as python.mosaic)."""
import os
import pathlib
import subprocess

import pytest

mosaic = pytest.importorskip("mosaic")

SOURCE_DIR = pathlib.Path(os.environ.get("MOSAIC_SOURCE_DIR",
                                         pathlib.Path(__file__).resolve().parents[2]))
BINARY = os.environ.get("MOSAIC_BINARY", str(SOURCE_DIR / "build/release/mosaic"))


def run_cli(*args, check=True):
    """Runs the mosaic binary; returns the CompletedProcess (text)."""
    r = subprocess.run([BINARY, *map(str, args)], capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"mosaic {' '.join(map(str, args))} failed: {r.stderr}")
    return r


def cli_error(*args):
    """The message the CLI prints for a failing run, without its 'error: ' prefix."""
    r = run_cli(*args, check=False)
    assert r.returncode != 0, r.stdout
    line = r.stderr.strip().splitlines()[-1]
    assert line.startswith("error: "), r.stderr
    return line[len("error: "):]


@pytest.fixture
def src():
    return SOURCE_DIR
