/** Pixel containers shared by every host and node. Row-major, top-left origin, no padding between rows. */

/** 8-bit RGBA, 4 bytes a pixel: the form frames travel in between nodes. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
  /** The file a picture was read from, as the user knows it (for messages); absent on frames made in the graph. */
  name?: string;
}

/** 8-bit single-channel coverage: 0 outside, 255 inside. */
export interface Mask {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A pixel-aligned region of a picture or mask: whole pixels from (left, top), width by height. */
export interface PixelBox {
  left: number;
  top: number;
  width: number;
  height: number;
}
