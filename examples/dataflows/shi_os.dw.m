// shi_os for depthwise layers: the Fig. 4(b) output-stationary 2-D array without K (a
// depthwise layer has no reduction over channels, so outputs stay over R x S only).
Dataflow {
  TemporalMap(1,1) C;
  SpatialMap(Sz(R),1) Y;
  TemporalMap(8,8) X';
  TemporalMap(Sz(R),Sz(R)) R;
  TemporalMap(Sz(S),Sz(S)) S;
  Cluster(8, P);
  SpatialMap(Sz(S),1) X;
}
