"""mosaic.map / dse / stream / h3m equal the CLI's JSON; their errors equal the CLI's messages;
a long call is stopped by Ctrl-C (SIGINT) with KeyboardInterrupt."""
import json
import os
import signal
import sqlite3
import threading

import pytest

from conftest import SOURCE_DIR, cli_error, mosaic, run_cli

DATA = SOURCE_DIR / "tests/data"
STREAM_LAB1 = SOURCE_DIR.parent / "shared/reference/stream/tutorial/lab1/inputs"
TIMING = ("second", "threads")


def without_timing(j):
    """The JSON without its timing fields (wall/CPU seconds, rates, thread counts)."""
    if isinstance(j, dict):
        return {k: without_timing(v) for k, v in j.items() if not any(t in k for t in TIMING)}
    if isinstance(j, list):
        return [without_timing(v) for v in j]
    return j


def cli_json(path):
    with open(path) as f:
        return without_timing(json.load(f))


MAP_ARGS = dict(workload=DATA / "zigzag_small_workload.yaml", hw=DATA / "zigzag_small_hw.yaml",
                mapping=DATA / "zigzag_small_mapping.yaml")


def flags(kwargs):
    out = []
    for k, v in kwargs.items():
        flag = "--" + k.rstrip("_").replace("_", "-")
        if v is True:
            out.append(flag)
        elif v is not False and v is not None:
            out += [flag, str(v)]
    return out


def test_map_equals_cli_json(tmp_path):
    run_cli("map", *flags(MAP_ARGS), "--quiet", "--json", tmp_path / "cli.json")
    d = mosaic.map(**MAP_ARGS, quiet=True)
    assert without_timing(d) == cli_json(tmp_path / "cli.json")
    assert d["latency_cycles"] == 5157 and d["layers"]
    # json= keeps the file, as --json; strings, paths and numbers are all accepted.
    d2 = mosaic.map(**{k: str(v) for k, v in MAP_ARGS.items()}, lpf_limit=6, json=tmp_path / "p.json")
    assert cli_json(tmp_path / "p.json") == without_timing(d2) == without_timing(d)


def test_map_size_estimate_and_allow_large(monkeypatch):
    # A nanosecond time limit: the estimate (1,992 loop orders) refuses as the CLI does;
    # allow_large=True is --allow-large.
    monkeypatch.setenv("MOSAIC_SWEEP_LIMIT_SECONDS", "1e-9")
    expected = cli_error("map", *flags(MAP_ARGS), "--quiet")
    with pytest.raises(mosaic.Error) as e:
        mosaic.map(**MAP_ARGS, quiet=True)
    assert str(e.value) == expected
    assert "1992 loop orders over 5 layers" in expected and "--allow-large" in expected
    assert mosaic.map(**MAP_ARGS, quiet=True, allow_large=True)["latency_cycles"] == 5157


DSE_ARGS = dict(mapping=SOURCE_DIR / "examples/networks/vgg16.m", layer="CONV11",
                dataflow="kcp_ws,rs", pes="64:256:64", bw="8:64:x2", quiet=True)


def test_dse_equals_cli_json(tmp_path):
    run_cli("dse", *flags(DSE_ARGS), "--out", tmp_path / "cli")
    d = mosaic.dse(**DSE_ARGS)
    assert without_timing(d) == cli_json(tmp_path / "cli/summary.json")
    assert d["designs_evaluated"] > 0
    # out= keeps every file the CLI writes; a list repeats the flag (--map-size C=... twice).
    d2 = mosaic.dse(**DSE_ARGS, out=tmp_path / "py", designs="both", map_size=["C=8:16:8"])
    assert (tmp_path / "py/designs.json").exists() and (tmp_path / "py/pareto.json").exists()
    assert without_timing(d2) == cli_json(tmp_path / "py/summary.json")


H3M_ARGS = dict(workload="mobilenet_v1", search="random", evaluations=100,
                granularities="B512,B4096", max_sub_accelerators=2, no_baselines=True, quiet=True)


def test_h3m_equals_cli_json(tmp_path):
    run_cli("h3m", *flags(H3M_ARGS), "--out", tmp_path / "cli")
    d = mosaic.h3m(**H3M_ARGS)
    assert without_timing(d) == cli_json(tmp_path / "cli/summary.json")
    assert d["best"]["edp"] > 0


@pytest.mark.skipif(not STREAM_LAB1.exists(), reason="no ../shared reference data")
def test_stream_equals_cli_json(tmp_path):
    args = dict(accelerator=STREAM_LAB1 / "hardware/hda_bus.yaml",
                workload=STREAM_LAB1 / "workload/4_convs.onnx",
                mapping=STREAM_LAB1 / "mapping/mapping.yaml", quiet=True)
    run_cli("stream", *flags(args), "--out", tmp_path / "cli")
    d = mosaic.stream(**args)
    assert without_timing(d) == cli_json(tmp_path / "cli/summary.json")


def test_verb_errors_equal_cli(tmp_path):
    # A missing file.
    missing = dict(MAP_ARGS, workload=tmp_path / "missing.yaml")
    expected = cli_error("map", *flags(missing))
    with pytest.raises(mosaic.Error) as e:
        mosaic.map(**missing)
    assert str(e.value) == expected and "missing.yaml" in expected
    # A bad field in a file: the file, line and key.
    bad = tmp_path / "hw.yaml"
    bad.write_text((DATA / "zigzag_small_hw.yaml").read_text().replace("size:", "sise:", 1))
    expected = cli_error("map", *flags(dict(MAP_ARGS, hw=bad)))
    with pytest.raises(mosaic.Error) as e:
        mosaic.map(**dict(MAP_ARGS, hw=bad))
    assert str(e.value) == expected and "hw.yaml" in expected
    # An unknown dataflow.
    args = dict(DSE_ARGS, dataflow="kcp_ws,no_such_df")
    expected = cli_error("dse", *flags(args), "--out", tmp_path / "o1")
    with pytest.raises(mosaic.Error) as e:
        mosaic.dse(**args)
    assert str(e.value) == expected and "no_such_df" in expected
    # A bad flag value (the library's check, named by the flag) and a value of the wrong type.
    expected = cli_error("h3m", "--granularities", "B999", "--out", tmp_path / "o2")
    with pytest.raises(mosaic.Error) as e:
        mosaic.h3m(granularities="B999")
    assert str(e.value) == expected
    with pytest.raises(mosaic.Error) as e:
        mosaic.map(**MAP_ARGS, lpf_limit="many")
    assert "lpf-limit" in str(e.value)


def test_verb_keyword_mistakes_are_type_errors():
    with pytest.raises(TypeError, match="lpf_limt.*did you mean 'lpf_limit'"):
        mosaic.map(**MAP_ARGS, lpf_limt=4)
    with pytest.raises(TypeError, match="missing required keyword argument 'hw'"):
        mosaic.map(workload="x.yaml")
    with pytest.raises(TypeError, match="True or False"):
        mosaic.map(**MAP_ARGS, quiet="yes")
    with pytest.raises(TypeError, match="unexpected keyword argument 'help'"):
        mosaic.dse(help=True)
    assert "lpf_limit" in mosaic.map.__doc__ and "(required)" in mosaic.dse.__doc__


# A DSE sweep of small chunks that takes minutes: stopped by SIGINT.
LONG_DSE = dict(mapping=SOURCE_DIR / "examples/networks/vgg16.m", layer="CONV2",
                dataflow="kcp_ws", map_size=["C=1:256", "K=1:4"], pes="64:4096:64",
                bw="1:64", threads=2, quiet=True)


def test_ctrl_c_stops_a_long_dse_with_keyboard_interrupt(tmp_path):
    """A thread sends SIGINT once the sweep has stored its first chunk (so the run's Ctrl-C guard
    is installed: no timing involved); the call stops early and raises KeyboardInterrupt."""
    out = tmp_path / "out"
    done = threading.Event()

    def stored_chunks():
        try:
            with sqlite3.connect(f"file:{out / 'dse.sqlite'}?mode=ro", uri=True) as db:
                return db.execute("SELECT count(*) FROM records").fetchone()[0]
        except sqlite3.Error:
            return 0

    def interrupt():
        while not done.wait(0.02):
            if stored_chunks() > 0:
                os.kill(os.getpid(), signal.SIGINT)
                return

    t = threading.Thread(target=interrupt)
    t.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            mosaic.dse(**LONG_DSE, out=out)
    finally:
        done.set()
        t.join()
    # Stopped, not finished: nothing half-written, the finished chunks are in the store.
    assert not (out / "summary.json").exists()
    assert stored_chunks() > 0
    # The interpreter is fine and the next call runs normally.
    assert mosaic.dse(**DSE_ARGS)["designs_evaluated"] > 0
