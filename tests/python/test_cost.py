"""mosaic.Layer / Dataflow / Core / cost / cost_grid against `mosaic eval` and each other."""
import json

import pytest

from conftest import mosaic, run_cli

np = pytest.importorskip("numpy")

VGG_LAYER = dict(type="CONV", K=256, C=128, R=3, S=3, Y=58, X=58)
LAYER_TEXT = """Network one {
  Layer L {
    Type: CONV
    Dimensions { K: 256, C: 128, R: 3, S: 3, Y: 58, X: 58 }
  }
}
"""
HW_TEXT = """num_pes: 256
l1_size_cstr: 512
l2_size_cstr: 108000
noc_bw_cstr: 64
offchip_bw_cstr: 16
"""


def test_error_is_a_value_error():
    assert issubclass(mosaic.Error, ValueError)


def test_layer_keywords_and_defaults():
    layer = mosaic.Layer(**VGG_LAYER)
    assert layer.type == "CONV"
    assert layer.dims == {"K": 256, "C": 128, "R": 3, "S": 3, "Y": 58, "X": 58}
    assert (layer.stride_x, layer.stride_y) == (1, 1)
    assert mosaic.Layer(type="CONV", K=8, C=8, R=3, S=3, Y=9, X=9, stride=2).stride_x == 2


@pytest.mark.parametrize("compat", [None, "maestro"])
def test_cost_equals_cli_eval(tmp_path, compat):
    (tmp_path / "l.m").write_text(LAYER_TEXT)
    (tmp_path / "hw.m").write_text(HW_TEXT)
    args = ["eval", "--mapping", tmp_path / "l.m", "--hw", tmp_path / "hw.m", "--dataflow",
            "kcp_ws", "--json", tmp_path / "o.json", "--quiet"]
    if compat:
        args += ["--compat", compat]
    run_cli(*args)
    cli = json.loads((tmp_path / "o.json").read_text())
    core = mosaic.Core(pes=256, l1_bytes=512, l2_bytes=108000, noc_bw=64, offchip_bw=16)
    c = mosaic.cost(mosaic.Layer(**VGG_LAYER), "kcp_ws", core, compat=compat)
    row = cli["layers"][0]
    d = c.to_dict()  # the layer_cost_json part of the CLI's layer entry
    assert len(d) >= 15
    assert {k: row[k] for k in d} == d
    assert c.latency_cycles == row["latency_cycles"] and c.energy_pj == row["energy_pj"]
    assert c.latency_cycles > 0 and c.energy_pj > 0
    assert c.edp == c.latency_cycles * c.energy_pj
    assert c.macs == 256 * 128 * 3 * 3 * 56 * 56


def test_directive_text_equals_library_name(src):
    text = (src / "examples/dataflows/kcp_ws.m").read_text()
    body = text[text.index("{") + 1:text.rindex("}")]
    core = mosaic.Core(pes=256, noc_bw=64, offchip_bw=16)
    a = mosaic.cost(mosaic.Layer(**VGG_LAYER), mosaic.Dataflow(body), core)
    b = mosaic.cost(mosaic.Layer(**VGG_LAYER), mosaic.Dataflow("kcp_ws"), core)
    assert a.latency_cycles == b.latency_cycles and a.energy_pj == b.energy_pj


def test_eval_equals_cli_json(tmp_path, src):
    mapping, hw = src / "examples/networks/vgg16.m", src / "examples/hw/accelerator_256.m"
    run_cli("eval", "--mapping", mapping, "--hw", hw, "--dataflow", "kcp_ws", "--json",
            tmp_path / "o.json", "--quiet")
    cli = json.loads((tmp_path / "o.json").read_text())
    py = mosaic.eval(mapping=str(mapping), hw=str(hw), dataflow="kcp_ws")
    assert py == cli
    assert len(py["layers"]) == 13


FIELDS = {"latency_cycles": "latency_cycles", "energy_pj": "energy_pj", "edp": "edp",
          "area_um2": "area_um2", "power_mw": "power_mw", "utilization": "utilization",
          "throughput_macs_per_cycle": "throughput_macs_per_cycle",
          "l1_required_elements": "l1_required_elements",
          "l2_required_elements": "l2_required_elements"}


@pytest.mark.parametrize("dataflow", ["kcp_ws", "yxp_os", "rs"])
def test_grid_equals_single_costs(dataflow):
    layer = mosaic.Layer(**VGG_LAYER)
    pes = np.array([64, 100, 256, 1024])[:, None]
    bws = np.array([1, 2, 3, 5, 8, 16, 17, 32, 64, 100, 256, 1000])[None, :]
    g = mosaic.cost_grid(layer, dataflow, pes=pes, noc_bw=bws, offchip_bw=16, threads=2)
    assert g["latency_cycles"].shape == (4, 12)
    for i, p in enumerate(pes[:, 0]):
        for j, b in enumerate(bws[0]):
            c = mosaic.cost(layer, dataflow, mosaic.Core(pes=int(p), noc_bw=int(b), offchip_bw=16))
            assert g["feasible"][i, j]
            for key, attr in FIELDS.items():
                assert g[key][i, j] == getattr(c, attr), (key, p, b)


def test_grid_broadcasts_scalars_fits_and_infeasible_points():
    layer = mosaic.Layer(**VGG_LAYER)
    g = mosaic.cost_grid(layer, "kcp_ws", pes=[32, 256], noc_bw=64, l1_bytes=[[16], [4096]])
    assert g["latency_cycles"].shape == (2, 2)
    # kcp_ws clusters 64 PEs: 32 PEs cannot run it.
    assert not g["feasible"][:, 0].any() and np.isnan(g["latency_cycles"][:, 0]).all()
    assert g["feasible"][:, 1].all()
    need = g["l1_required_elements"][0, 1]
    assert not g["fits"][0, 1] and g["fits"][1, 1] and 16 < need <= 4096
    with pytest.raises(mosaic.Error):
        mosaic.cost(layer, "kcp_ws", mosaic.Core(pes=32))


def test_grid_threads_do_not_change_results():
    layer = mosaic.Layer(**VGG_LAYER)
    pes = np.arange(64, 1025, 64)[:, None]
    bws = np.arange(1, 129)[None, :]
    a = mosaic.cost_grid(layer, "kcp_ws", pes=pes, noc_bw=bws, threads=1)
    b = mosaic.cost_grid(layer, "kcp_ws", pes=pes, noc_bw=bws, threads=2)
    for k in a:
        assert np.array_equal(a[k], b[k], equal_nan=True), k


TWO_LEVEL = ("SpatialMap(1,1) K; TemporalMap(16,16) C; TemporalMap(Sz(R),1) Y; "
             "TemporalMap(Sz(S),1) X; Cluster(16, P); SpatialMap(1,1) C; TemporalMap(Sz(R),1) Y; "
             "TemporalMap(Sz(S),1) X; Cluster(4, P); SpatialMap(1,1) Y; "
             "TemporalMap(Sz(S),1) X;")


@pytest.mark.parametrize("dataflow", ["kcp_ws", "rs", "yxp_os", TWO_LEVEL])
def test_grid_shares_analyses_across_pe_counts_exactly(dataflow):
    """Every PE count 1..300 (most share an analysis with others: same PEs used by the clusters),
    some unable to run the dataflow: each point equals mosaic.cost, or is infeasible where
    mosaic.cost raises."""
    layer = mosaic.Layer(**VGG_LAYER)
    pes = np.arange(1, 301)[:, None]
    bws = np.array([1, 7, 32, 100, 1000])[None, :]
    g = mosaic.cost_grid(layer, dataflow, pes=pes, noc_bw=bws, offchip_bw=16, vector_width=2,
                         threads=2)
    feasible = 0
    for i, p in enumerate(pes[:, 0]):
        for j, b in enumerate(bws[0]):
            core = mosaic.Core(pes=int(p), noc_bw=int(b), offchip_bw=16, vector_width=2)
            try:
                c = mosaic.cost(layer, dataflow, core)
            except mosaic.Error:
                assert not g["feasible"][i, j], (p, b)
                continue
            feasible += 1
            assert g["feasible"][i, j], (p, b)
            for key, attr in FIELDS.items():
                assert g[key][i, j] == getattr(c, attr), (key, p, b)
    assert feasible > 200
