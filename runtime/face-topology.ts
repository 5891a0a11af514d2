import { faceMeshConnections } from './draw/face-mesh-connections.ts';

/*
 * The face's topology: MediaPipe's 478 landmarks named by region, for every method, the blend and eval alike.
 */

/** Landmark sets of the 478-point mesh, by what moves them. */
const indicesOf = (...lists: (readonly { start: number; end: number }[])[]) =>
  new Set(lists.flatMap((list) => list.flatMap(({ start, end }) => [start, end])));

/** Lips, and the chin and jaw that drop with them. */
export const mouthLandmarks = new Set([
  ...indicesOf(faceMeshConnections.lips),
  ...[152, 148, 176, 149, 150, 136, 172, 58, 377, 400, 378, 379, 365, 397, 288, 175, 171, 396, 199, 200, 18, 83, 313, 201, 421, 208, 428, 32, 262],
]);

/** Eyelids and irises. */
export const eyeLandmarks = new Set([
  ...indicesOf(faceMeshConnections.leftEye, faceMeshConnections.rightEye, faceMeshConnections.leftIris, faceMeshConnections.rightIris),
  468, 473,
]);

export const browLandmarks = indicesOf(faceMeshConnections.leftEyebrow, faceMeshConnections.rightEyebrow);

/**
 * Points that expressions barely move (forehead, nose, cheekbones, temples, inner eye corners): fitting the head's
 * pose on these keeps a smile or a blink from reading as a head turn.
 */
export const rigidLandmarks = [
  10, 151, 9, 8, 168, 6, 197, 195, 5, 4, 1, 19, 94, 2, 133, 362, 234, 454, 93, 323, 127, 356, 21, 251, 54, 284, 103, 332, 67, 297, 109, 338, 116, 345, 123, 352, 50, 280, 101, 330,
];

/** The inner lip contour, in order around the mouth (upper lip left to right, then lower lip back). */
export const innerLipUpper = [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308];
export const innerLipLower = [95, 88, 178, 87, 14, 317, 402, 318, 324];

/** Each eye's lid contours, corner to corner along the upper lid, then back along the lower lid; and its lid gap. */
export const eyeContours = [
  { upper: [33, 246, 161, 160, 159, 158, 157, 173, 133], lower: [155, 154, 153, 145, 144, 163, 7], gap: [159, 145] },
  { upper: [263, 466, 388, 387, 386, 385, 384, 398, 362], lower: [382, 381, 380, 374, 373, 390, 249], gap: [386, 374] },
] as const;

/** Both irises: centre, then four points on the rim, for each eye. */
export const irisLandmarks = [468, 469, 470, 471, 472, 473, 474, 475, 476, 477];

/** Eyelid skin around each eye: the crease below the brow and the skin under the lower lid. */
export const lidSkinLandmarks = [223, 222, 224, 443, 442, 444, 230, 229, 450, 449];

/** The face oval's landmarks in order around the face. */
export const ovalLandmarks = orderedLoop(faceMeshConnections.faceOval);

/** Points on the lips away from their edges, whose average is the lips' colour. */
export const lipColourLandmarks = [0, 17, 37, 267, 84, 314];

/** Points on both cheeks, clear of eyes, nose and mouth: where the skin's colour is read. */
export const cheekLandmarks = [50, 280, 101, 330];

function orderedLoop(connections: readonly { start: number; end: number }[]): number[] {
  const next = new Map(connections.map(({ start, end }) => [start, end]));
  const loop = [connections[0]!.start];
  while (loop.length < connections.length) {
    const following = next.get(loop.at(-1)!);
    if (following === undefined || following === loop[0]) break;
    loop.push(following);
  }
  return loop;
}
