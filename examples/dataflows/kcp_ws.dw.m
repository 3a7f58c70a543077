// kcp_ws for depthwise layers (no K to spread): channels C across all PEs, windows slide in time.
Dataflow {
  SpatialMap(1,1) C;
  TemporalMap(Sz(R),1) Y;
  TemporalMap(Sz(S),1) X;
  TemporalMap(Sz(R),Sz(R)) R;
  TemporalMap(Sz(S),Sz(S)) S;
}
