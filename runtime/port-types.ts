import type { AudioTrack } from './audio.ts';
import type { FaceLandmarks } from './face.ts';
import type { Mask, RgbaImage } from './image.ts';

/** What travels along each kind of edge. */
export interface PortValues {
  /** A still picture, computed once per run. */
  image: RgbaImage;
  /** One picture per frame of the run's timeline. */
  frame: RgbaImage;
  /** Landmarks and head pose of one face. */
  face: FaceLandmarks;
  /** Single-channel coverage, such as the face region to blend. */
  mask: Mask;
  /** The track the output carries. */
  audio: AudioTrack;
}

export type PortType = keyof PortValues;

export interface PortTypeInfo {
  title: string;
  /** Shown on ports and wires in the editor. */
  color: string;
  description: string;
}

export const portTypes: Record<PortType, PortTypeInfo> = {
  image: { title: 'Image', color: '#64b5f6', description: 'a still picture, computed once per run' },
  frame: { title: 'Frames', color: '#81c784', description: 'one picture per frame of the driving timeline' },
  face: { title: 'Face', color: '#ffb74d', description: '478 landmarks (x, y, z in pixels) and the head pose' },
  mask: { title: 'Mask', color: '#e0e0e0', description: 'single-channel coverage, 0 outside and 255 inside' },
  audio: { title: 'Audio', color: '#ba68c8', description: 'the audio track the output carries' },
};

export const portTypeNames = Object.keys(portTypes) as PortType[];

export function isPortType(name: string): name is PortType {
  return Object.hasOwn(portTypes, name);
}

/**
 * Whether an output of type `from` may feed an input of type `to`. Besides equal types, a frame stream may feed an
 * image input: the receiving node then runs once per frame (a landmarker on a still image or on a video).
 */
export function canConnect(from: PortType, to: PortType): boolean {
  return from === to || (from === 'frame' && to === 'image');
}
