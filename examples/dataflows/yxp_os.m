// yxp_os: ShiDianNao-like output-stationary dataflow. Output rows Y spread over clusters,
// output columns X over the 8 PEs of a cluster; each PE accumulates one output pixel over
// C x R x S while neighbouring PEs share overlapping input windows.
// Parallelism: Y (across clusters) x X (within a cluster). The column tile is 8 output
// columns (8 + S - 1 input columns), one per PE of a cluster.
Dataflow {
  TemporalMap(1,1) K;
  TemporalMap(1,1) C;
  SpatialMap(Sz(R),1) Y;
  TemporalMap(8,8) X';
  TemporalMap(Sz(R),Sz(R)) R;
  TemporalMap(Sz(S),Sz(S)) S;
  Cluster(8, P);
  SpatialMap(Sz(S),1) X;
}
