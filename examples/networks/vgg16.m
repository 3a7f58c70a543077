// VGG16 (Simonyan & Zisserman, ICLR 2015, configuration D): the 13 convolutions.
// 3x3 filters, stride 1, padding 1 folded into the input size (MAESTRO's format has no
// padding), so every layer keeps its 224/112/56/28/14 output size. No Dataflow blocks: pick
// one with `mosaic eval --dataflow NAME`.
Network VGG16 {
  Layer CONV1 {
    Type: CONV
    Stride { X: 1, Y: 1 }
    Dimensions { K: 64, C: 3, R: 3, S: 3, Y: 226, X: 226 }
  }
  Layer CONV2 {
    Type: CONV
    Stride { X: 1, Y: 1 }
    Dimensions { K: 64, C: 64, R: 3, S: 3, Y: 226, X: 226 }
  }
  Layer CONV3 {
    Type: CONV
    Stride { X: 1, Y: 1 }
    Dimensions { K: 128, C: 64, R: 3, S: 3, Y: 114, X: 114 }
  }
  Layer CONV4 {
    Type: CONV
    Stride { X: 1, Y: 1 }
    Dimensions { K: 128, C: 128, R: 3, S: 3, Y: 114, X: 114 }
  }
  Layer CONV5 {
    Type: CONV
    Stride { X: 1, Y: 1 }
    Dimensions { K: 256, C: 128, R: 3, S: 3, Y: 58, X: 58 }
  }
  Layer CONV6 {
    Type: CONV
    Stride { X: 1, Y: 1 }
    Dimensions { K: 256, C: 256, R: 3, S: 3, Y: 58, X: 58 }
  }
  Layer CONV7 {
    Type: CONV
    Stride { X: 1, Y: 1 }
    Dimensions { K: 256, C: 256, R: 3, S: 3, Y: 58, X: 58 }
  }
  Layer CONV8 {
    Type: CONV
    Stride { X: 1, Y: 1 }
    Dimensions { K: 512, C: 256, R: 3, S: 3, Y: 30, X: 30 }
  }
  Layer CONV9 {
    Type: CONV
    Stride { X: 1, Y: 1 }
    Dimensions { K: 512, C: 512, R: 3, S: 3, Y: 30, X: 30 }
  }
  Layer CONV10 {
    Type: CONV
    Stride { X: 1, Y: 1 }
    Dimensions { K: 512, C: 512, R: 3, S: 3, Y: 30, X: 30 }
  }
  Layer CONV11 {
    Type: CONV
    Stride { X: 1, Y: 1 }
    Dimensions { K: 512, C: 512, R: 3, S: 3, Y: 16, X: 16 }
  }
  Layer CONV12 {
    Type: CONV
    Stride { X: 1, Y: 1 }
    Dimensions { K: 512, C: 512, R: 3, S: 3, Y: 16, X: 16 }
  }
  Layer CONV13 {
    Type: CONV
    Stride { X: 1, Y: 1 }
    Dimensions { K: 512, C: 512, R: 3, S: 3, Y: 16, X: 16 }
  }
}
