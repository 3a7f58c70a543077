// rs: Eyeriss-like row-stationary dataflow (MAESTRO paper Fig. 7 / Table 2). A cluster of R
// PEs computes one output row: PE r holds filter row r and input row y+r, and the partial rows
// are summed across the cluster. Output rows Y' spread over clusters.
// Parallelism: Y' (across clusters) x R (within a cluster).
Dataflow {
  SpatialMap(1,1) Y';
  TemporalMap(1,1) X';
  TemporalMap(1,1) C;
  TemporalMap(16,16) K;
  TemporalMap(Sz(R),Sz(R)) R;
  TemporalMap(Sz(S),Sz(S)) S;
  Cluster(Sz(R), P);
  SpatialMap(1,1) Y;
  SpatialMap(1,1) R;
  TemporalMap(Sz(S),Sz(S)) S;
}
