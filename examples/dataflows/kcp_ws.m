// kcp_ws: NVDLA-like weight-stationary dataflow (MAESTRO paper Table 2, "DLA").
// Output channels K spread over clusters, input channels C over the 64 PEs of a cluster; each
// PE keeps one weight (whole R x S window) while the input window slides over Y and X.
// Parallelism: K (across clusters) x C (within a cluster). Reduction over C happens across PEs.
Dataflow {
  SpatialMap(1,1) K;
  TemporalMap(64,64) C;
  TemporalMap(Sz(R),Sz(R)) R;
  TemporalMap(Sz(S),Sz(S)) S;
  TemporalMap(Sz(R),1) Y;
  TemporalMap(Sz(S),1) X;
  Cluster(64, P);
  SpatialMap(1,1) C;
  TemporalMap(Sz(R),1) Y;
  TemporalMap(Sz(S),1) X;
  TemporalMap(Sz(R),Sz(R)) R;
  TemporalMap(Sz(S),Sz(S)) S;
}
