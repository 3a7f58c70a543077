// nmk: GEMM dataflow for (M x K) * (K x N): rows M spread over clusters, the reduction K over
// the KTileSz PEs of a cluster (a reduction tree), columns N walked in time.
Constant KTileSz 64;
Dataflow {
  TemporalMap(1,1) N;
  SpatialMap(1,1) M;
  TemporalMap(KTileSz,KTileSz) K;
  Cluster(KTileSz, P);
  TemporalMap(1,1) N;
  TemporalMap(1,1) M;
  SpatialMap(1,1) K;
}
