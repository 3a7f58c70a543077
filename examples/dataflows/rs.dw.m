// rs for depthwise layers: the same row-stationary structure without K.
Dataflow {
  SpatialMap(1,1) Y';
  TemporalMap(1,1) X';
  TemporalMap(1,1) C;
  TemporalMap(Sz(R),Sz(R)) R;
  TemporalMap(Sz(S),Sz(S)) S;
  Cluster(Sz(R), P);
  SpatialMap(1,1) Y;
  SpatialMap(1,1) R;
  TemporalMap(Sz(S),Sz(S)) S;
}
