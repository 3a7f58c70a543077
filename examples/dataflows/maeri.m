// maeri: MAERI-style "virtual neuron" mapping of R x S multipliers per output (three cluster
// levels): output channels K over virtual neurons, one R x S window per neuron.
Dataflow {
  TemporalMap(1,1) C;
  SpatialMap(1,1) K;
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
