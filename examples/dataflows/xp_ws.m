// xp_ws: X-parallel weight-stationary dataflow (MAESTRO paper Table 2, "WS"), no clusters.
// Output columns X spread over all PEs; every PE holds the same weights for one (K, C) pair.
Dataflow {
  TemporalMap(1,1) K;
  TemporalMap(1,1) C;
  TemporalMap(Sz(R),1) Y;
  SpatialMap(Sz(S),1) X;
  TemporalMap(Sz(R),Sz(R)) R;
  TemporalMap(Sz(S),Sz(S)) S;
}
