// ckp_ws: weight-stationary with the roles of K and C swapped (C across clusters, K within).
// Output rows and columns are walked one output position at a time (Y', X').
Dataflow {
  SpatialMap(1,1) C;
  TemporalMap(64,64) K;
  TemporalMap(Sz(R),Sz(R)) R;
  TemporalMap(Sz(S),Sz(S)) S;
  TemporalMap(1,1) Y';
  TemporalMap(1,1) X';
  Cluster(64, P);
  SpatialMap(1,1) K;
  TemporalMap(Sz(R),Sz(R)) R;
  TemporalMap(Sz(S),Sz(S)) S;
}
