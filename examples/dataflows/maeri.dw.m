// maeri for depthwise layers: channels over virtual neurons.
Dataflow {
  SpatialMap(1,1) C;
  TemporalMap(1,1) Y';
  TemporalMap(1,1) X';
  TemporalMap(Sz(R),Sz(R)) R;
  TemporalMap(Sz(S),Sz(S)) S;
  Cluster(Sz(R), P);
  SpatialMap(1,1) Y;
  SpatialMap(1,1) R;
  Cluster(Sz(S), P);
  SpatialMap(1,1) X;
  SpatialMap(1,1) S;
}
