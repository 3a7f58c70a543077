// tpu_ck: TPU-like weight-stationary systolic array, C|K in Interstellar's notation: input
// channels C on one array dimension (clusters of 16 PEs), output channels K on the other.
// Weights stay in place while input rows stream through; partial sums reduce along C.
Dataflow {
  SpatialMap(1,1) K;
  TemporalMap(16,16) C;
  TemporalMap(Sz(R),Sz(R)) R;
  TemporalMap(Sz(S),Sz(S)) S;
  TemporalMap(Sz(R),1) Y;
  TemporalMap(Sz(S),1) X;
  Cluster(16, P);
  SpatialMap(1,1) C;
  TemporalMap(Sz(R),1) Y;
  TemporalMap(Sz(S),1) X;
  TemporalMap(Sz(R),Sz(R)) R;
  TemporalMap(Sz(S),Sz(S)) S;
}
