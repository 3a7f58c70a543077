// dpt: the depthwise dataflow: channels C spread over all PEs, each PE slides its own R x S
// window over Y and X (no reduction across PEs).
Dataflow {
  SpatialMap(1,1) C;
  TemporalMap(Sz(R),1) Y;
  TemporalMap(Sz(S),1) X;
  TemporalMap(Sz(R),Sz(R)) R;
  TemporalMap(Sz(S),Sz(S)) S;
}
