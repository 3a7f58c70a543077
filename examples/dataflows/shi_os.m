// shi_os: the Shi-diannao style of Herald (HPCA 2021) Fig. 4(b): outputs stay in the PEs while
// the c0 loop and the whole R x S window run (output stationary across C, R and S), over a 2-D
// array of Y0 x X0 PEs: output rows Y over the clusters, output columns X over the PEs of a
// cluster. Loop order k, c1, y1, x1 | c0, pfor y0, pfor x0, r, s as drawn in the paper.
// The default array is ShiDianNao's own 8 x 8 (Du et al., ISCA 2015); the directive mapper
// (mosaic herald, eval --search-tiles) fits the cluster size and the C0 tile to each core and
// layer. MAESTRO's example mapping of this style (C outside the spatial tile, one channel at
// a time) is kept as yxp_os.
Dataflow {
  TemporalMap(1,1) K;
  TemporalMap(8,8) C;
  SpatialMap(Sz(R),1) Y;
  TemporalMap(8,8) X';
  TemporalMap(Sz(R),Sz(R)) R;
  TemporalMap(Sz(S),Sz(S)) S;
  Cluster(8, P);
  SpatialMap(Sz(S),1) X;
  TemporalMap(1,1) C;
}
