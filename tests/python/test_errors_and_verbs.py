"""Errors equal the CLI's messages; mosaic.workload / mosaic.herald equal the CLI's JSON."""
import json

import pytest

from conftest import cli_error, mosaic, run_cli

BAD_MAPPING = """Network bad {
  Layer L {
    Type: CONV
    Dimensions { K: 16, C: 16, R: 3, S: 3, Y: 0, X: 8 }
  }
}
"""


def test_bad_mapping_file_error_equals_cli(tmp_path, src):
    (tmp_path / "bad.m").write_text(BAD_MAPPING)
    hw = src / "examples/hw/accelerator_256.m"
    expected = cli_error("eval", "--mapping", tmp_path / "bad.m", "--hw", hw, "--dataflow",
                         "kcp_ws")
    with pytest.raises(mosaic.Error) as e:
        mosaic.eval(mapping=str(tmp_path / "bad.m"), hw=str(hw), dataflow="kcp_ws")
    assert str(e.value) == expected
    assert "bad.m" in expected


def test_missing_file_and_bad_dataflow_errors_equal_cli(tmp_path, src):
    hw = src / "examples/hw/accelerator_256.m"
    missing = tmp_path / "missing.m"
    expected = cli_error("eval", "--mapping", missing, "--hw", hw)
    with pytest.raises(mosaic.Error) as e:
        mosaic.eval(mapping=str(missing), hw=str(hw))
    assert str(e.value) == expected
    mapping = src / "examples/networks/vgg16.m"
    expected = cli_error("eval", "--mapping", mapping, "--hw", hw, "--dataflow", "no_such_df")
    with pytest.raises(mosaic.Error) as e:
        mosaic.eval(mapping=str(mapping), hw=str(hw), dataflow="no_such_df")
    assert str(e.value) == expected


def test_flag_errors_equal_cli():
    expected = cli_error("herald", "--granularity", "0", "--quiet", "--out", "/nonexistent/x")
    with pytest.raises(mosaic.Error) as e:
        mosaic.herald(granularity=0, quiet=True)
    assert str(e.value) == expected
    assert "--granularity: must be an integer between 1 and 4096, got 0" in expected
    expected = cli_error("herald", "--objective", "speed", "--quiet", "--out", "/nonexistent/x")
    with pytest.raises(mosaic.Error) as e:
        mosaic.herald(objective="speed", quiet=True)
    assert str(e.value) == expected
    # --cost loopnest on a class: the CLI's reason (no memory hierarchy), word for word.
    expected = cli_error("herald", "--cost", "loopnest", "--quiet", "--out", "/nonexistent/x")
    with pytest.raises(mosaic.Error) as e:
        mosaic.herald(cost="loopnest", quiet=True)
    assert str(e.value) == expected
    assert "memory hierarchy" in expected


def test_bad_python_values_raise_error_not_crash():
    with pytest.raises(mosaic.Error):
        mosaic.Layer(type="CONV", K=0, C=3, R=3, S=3, Y=8, X=8)
    with pytest.raises(mosaic.Error):
        mosaic.Dataflow("no_such_dataflow")
    with pytest.raises(mosaic.Error):
        mosaic.Dataflow("SpatialMap(1,1) Q;")
    with pytest.raises(mosaic.Error):
        mosaic.Core(pes=0)
    layer = mosaic.Layer(type="CONV", K=16, C=16, R=3, S=3, Y=8, X=8)
    with pytest.raises(mosaic.Error):
        mosaic.cost_grid(layer, "kcp_ws", pes=[64, 0])
    with pytest.raises(mosaic.Error):
        mosaic.cost(layer, "kcp_ws", mosaic.Core(), compat="zigzag")
    with pytest.raises(TypeError):
        mosaic.cost(layer, 3, mosaic.Core())


def test_workload_equals_cli():
    cli = json.loads(run_cli("workload", "show", "arvr-a", "--json").stdout)
    assert mosaic.workload("arvr-a") == cli
    assert mosaic.workload("arvr-a")["name"] == cli["name"]


def test_herald_equals_cli(tmp_path):
    args = dict(workload="arvr-a", granularity=4, search="random", samples=6, seed=3)
    run_cli("herald", "--workload", "arvr-a", "--granularity", "4", "--search", "random",
            "--samples", "6", "--seed", "3", "--quiet", "--out", tmp_path / "cli")
    cli = json.loads((tmp_path / "cli" / "summary.json").read_text())
    py = mosaic.herald(**args, quiet=True, out=str(tmp_path / "py"))
    def volatile(key):  # timings and the thread count differ from run to run
        return key.endswith("_seconds") or key in ("threads", "us_per_layer_per_design_point")

    def strip(d):
        if isinstance(d, dict):
            return {k: strip(v) for k, v in d.items() if not volatile(k)}
        if isinstance(d, list):
            return [strip(v) for v in d]
        return d

    assert strip(py) == strip(cli)
    assert py["best"]["latency_cycles"] == cli["best"]["latency_cycles"]
    assert (tmp_path / "py" / "pareto.csv").read_text() == \
        (tmp_path / "cli" / "pareto.csv").read_text()
