// yxp_os for depthwise layers: the same output-stationary tiling without K.
Dataflow {
  TemporalMap(1,1) C;
  SpatialMap(Sz(R),1) Y;
  TemporalMap(8,8) X';
  TemporalMap(Sz(R),Sz(R)) R;
  TemporalMap(Sz(S),Sz(S)) S;
  Cluster(8, P);
  SpatialMap(Sz(S),1) X;
}
