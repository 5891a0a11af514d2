/**
 * The fixed mean face every aligned crop is fitted to ("vivify-mean-face-v1"): 40 MediaPipe landmarks (eye corners and
 * lid midpoints, upper brows, nose bridge to tip and nostril wings, mouth corners, lip centres and outer lips, the
 * face's sides at the ears and the chin) in unit crop coordinates, 0..1 across the crop, y down.
 *
 * Derived once by models/mean-face/derive-mean-face.ts from the raw MediaPipe landmarks of the 821 frames with yaw
 * and pitch within 15° of d0.mp4, d18.mp4, d20.mp4, d13.mp4: generalised Procrustes (each face fitted onto the running
 * mean by a similarity on these landmarks), turned upright, made exactly left-right symmetric, and scaled so that the
 * mean face oval (hairline 10 to chin 152) fills 75% of the crop's height, centred. The mean oval then spans
 * x 0.199..0.805 and y 0.125..0.875: the whole face, ear to ear and brow to chin, with a margin.
 * Generated: do not edit by hand. A different template is a different alignment and needs a new name.
 */
export const meanFaceName = 'vivify-mean-face-v1';

/** Landmark index, then x, y in the unit crop. */
const table = [
  33, 0.30659, 0.35547,
  263, 0.69341, 0.35547,
  133, 0.42320, 0.36053,
  362, 0.57680, 0.36053,
  159, 0.35559, 0.33794,
  386, 0.64441, 0.33794,
  145, 0.36214, 0.36840,
  374, 0.63786, 0.36840,
  70, 0.25012, 0.29488,
  300, 0.74988, 0.29488,
  63, 0.27611, 0.26979,
  293, 0.72389, 0.26979,
  105, 0.31757, 0.25446,
  334, 0.68243, 0.25446,
  66, 0.37212, 0.25387,
  296, 0.62788, 0.25387,
  107, 0.43500, 0.25858,
  336, 0.56500, 0.25858,
  168, 0.50000, 0.33762,
  6, 0.50000, 0.37068,
  197, 0.50000, 0.40196,
  195, 0.50000, 0.43135,
  5, 0.50000, 0.46293,
  4, 0.50000, 0.50120,
  1, 0.50000, 0.53065,
  98, 0.42026, 0.54882,
  327, 0.57974, 0.54882,
  61, 0.39001, 0.66379,
  291, 0.60999, 0.66379,
  0, 0.50000, 0.62426,
  17, 0.50000, 0.73740,
  13, 0.50000, 0.65569,
  14, 0.50000, 0.69073,
  40, 0.41308, 0.64088,
  270, 0.58692, 0.64088,
  91, 0.41313, 0.69946,
  321, 0.58687, 0.69946,
  234, 0.19938, 0.44407,
  454, 0.80062, 0.44407,
  152, 0.50000, 0.87500,
];

/** The template's MediaPipe landmark indices. */
export const meanFaceLandmarks: readonly number[] = table.filter((_, i) => i % 3 === 0);

/** x, y pairs in unit crop coordinates, one per entry of `meanFaceLandmarks`. */
export const meanFacePoints: Float64Array = Float64Array.from(table.filter((_, i) => i % 3 !== 0));

/** The mean face oval's box in unit crop coordinates (for reference: how much of the crop a face fills). */
export const meanFaceOval = { left: 0.199, top: 0.125, right: 0.805, bottom: 0.875 } as const;
