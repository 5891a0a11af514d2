import type { FaceLandmarks } from '../face.ts';
import type { RgbaImage } from '../image.ts';
import type { Rgba } from './blend.ts';
import { CoverageLayer } from './coverage-layer.ts';
import { faceMeshConnections, irisCentres, type MeshConnection } from './face-mesh-connections.ts';

export type Rgb = readonly [r: number, g: number, b: number];

export interface FaceOverlayStyle {
  /** The full triangle mesh: thin and faint, so the face stays readable under it. */
  mesh: Rgba;
  /** Face oval, lips, eyes and eyebrows. */
  contours: Rgba;
  /** Iris rings and their centre dots. */
  irises: Rgba;
  /** Replaces every colour on frames where no face was found (held or interpolated points); each part keeps its own alpha. */
  warning: Rgb;
}

export interface FaceOverlayOptions {
  style?: Partial<FaceOverlayStyle>;
  /** Multiplies every line width and dot radius. */
  lineScale?: number;
}

export const defaultFaceOverlayStyle: FaceOverlayStyle = {
  mesh: [220, 220, 220, 90],
  contours: [255, 255, 255, 235],
  irises: [0, 220, 255, 255],
  warning: [255, 140, 0],
};

const { tessellation, faceOval, lips, leftEye, rightEye, leftEyebrow, rightEyebrow, leftIris, rightIris } = faceMeshConnections;
// The package lists shared triangle edges twice; drawing each once halves the mesh's cost.
const meshEdges = uniqueConnections(tessellation);
const contours = [...faceOval, ...lips, ...leftEye, ...rightEye, ...leftEyebrow, ...rightEyebrow];
const irisRings = [...leftIris, ...rightIris];

/** A face whose landmarks span this many pixels gets 1-pixel mesh lines; widths grow with the square root of the size. */
const referenceFaceSize = 250;

/**
 * Returns a copy of `image` with `face`'s landmark mesh drawn over it, for checking detection by
 * eye. Landmarks that are missing or not finite are skipped, with the lines that use them.
 */
export function drawFaceOverlay(image: RgbaImage, face: FaceLandmarks, options: FaceOverlayOptions = {}): RgbaImage {
  const output: RgbaImage = { width: image.width, height: image.height, data: image.data.slice() };
  const style = { ...defaultFaceOverlayStyle, ...options.style };
  const colorOf = (color: Rgba): Rgba => (face.found ? color : [...style.warning, color[3]]);
  // Square root: lines must thicken on a large face to stay visible, but not so fast that they hide it.
  const unit = clamp(Math.sqrt(faceSize(face.points) / referenceFaceSize), 0.6, 3) * (options.lineScale ?? 1);

  const mesh = new CoverageLayer(image.width, image.height);
  addConnections(mesh, face.points, meshEdges, unit);
  mesh.paint(output, colorOf(style.mesh));

  const outlines = new CoverageLayer(image.width, image.height);
  addConnections(outlines, face.points, contours, 2 * unit);
  outlines.paint(output, colorOf(style.contours));

  const irises = new CoverageLayer(image.width, image.height);
  addConnections(irises, face.points, irisRings, 1.5 * unit);
  for (const centre of [irisCentres.left, irisCentres.right]) {
    irises.addDot(coordinate(face.points, centre, 0), coordinate(face.points, centre, 1), 1.5 * unit);
  }
  irises.paint(output, colorOf(style.irises));
  return output;
}

function addConnections(layer: CoverageLayer, points: Float32Array, connections: readonly MeshConnection[], lineWidth: number): void {
  for (const { start, end } of connections) {
    layer.addLine(coordinate(points, start, 0), coordinate(points, start, 1), coordinate(points, end, 0), coordinate(points, end, 1), lineWidth);
  }
}

/** One coordinate of a landmark (0 = x, 1 = y); NaN past the end, so a shorter mesh (468 points, no irises) draws what it has. */
function coordinate(points: Float32Array, landmark: number, axis: 0 | 1): number {
  return points[landmark * 3 + axis] ?? Number.NaN;
}

/** The larger side of the landmarks' bounding box: the face's size in pixels. */
function faceSize(points: Float32Array): number {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let at = 0; at + 1 < points.length; at += 3) {
    const x = points[at]!;
    const y = points[at + 1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  return maxX >= minX ? Math.max(maxX - minX, maxY - minY) : referenceFaceSize;
}

function uniqueConnections(connections: readonly MeshConnection[]): MeshConnection[] {
  const seen = new Set<number>();
  return connections.filter(({ start, end }) => {
    const key = Math.min(start, end) * 65536 + Math.max(start, end);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
