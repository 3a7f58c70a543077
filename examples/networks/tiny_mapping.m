// A two-layer mapping with its own dataflows: a 3x3 convolution under an NVDLA-like mapping and
// a depthwise 3x3 convolution under the depthwise mapping. Small enough to check by hand.
Network Tiny {
  Layer conv {
    Type: CONV
    Stride { X: 1, Y: 1 }
    Dimensions { K: 8, C: 4, R: 3, S: 3, Y: 10, X: 10 }
    Dataflow {
      SpatialMap(1,1) K;
      TemporalMap(4,4) C;
      TemporalMap(Sz(R),Sz(R)) R;
      TemporalMap(Sz(S),Sz(S)) S;
      TemporalMap(Sz(R),1) Y;
      TemporalMap(Sz(S),1) X;
      Cluster(4, P);
      SpatialMap(1,1) C;
    }
  }
  Layer dw {
    Type: DSCONV
    Stride { X: 1, Y: 1 }
    Dimensions { C: 8, R: 3, S: 3, Y: 10, X: 10 }
    Dataflow {
      SpatialMap(1,1) C;
      TemporalMap(Sz(R),1) Y;
      TemporalMap(Sz(S),1) X;
      TemporalMap(Sz(R),Sz(R)) R;
      TemporalMap(Sz(S),Sz(S)) S;
    }
  }
}
