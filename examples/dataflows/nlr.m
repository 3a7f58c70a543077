// nlr: "no local reuse" (DianNao-like, MAESTRO paper Table 2): input channels C spread over the
// PEs, every operand streamed from the global buffer each step.
Dataflow {
  TemporalMap(1,1) K;
  TemporalMap(Sz(R),1) Y;
  TemporalMap(Sz(S),1) X;
  TemporalMap(Sz(R),Sz(R)) R;
  TemporalMap(Sz(S),Sz(S)) S;
  SpatialMap(1,1) C;
}
