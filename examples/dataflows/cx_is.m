// cx_is: input-stationary dataflow (the loop order the H3M poster names beside output and weight
// stationary). Input channels C spread over clusters, input columns X over the 8 PEs of a
// cluster (8 output columns, their windows overlapping); output channels K are the innermost
// loop at both levels, so every PE keeps its input window (one channel, R x S pixels) while the
// weights of successive output channels stream past it, and the partial sums of the C clusters
// are reduced across them.
// Parallelism: C (across clusters) x X (within a cluster).
Dataflow {
  SpatialMap(1,1) C;
  TemporalMap(Sz(R),1) Y;
  TemporalMap(8,8) X';
  TemporalMap(Sz(R),Sz(R)) R;
  TemporalMap(Sz(S),Sz(S)) S;
  TemporalMap(16,16) K;
  Cluster(8, P);
  SpatialMap(Sz(S),1) X;
  TemporalMap(Sz(R),Sz(R)) R;
  TemporalMap(Sz(S),Sz(S)) S;
  TemporalMap(1,1) K;
}
