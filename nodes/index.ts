import type { AnyNodeDefinition } from '../runtime/node-definition.ts';
import { NodeRegistry } from '../runtime/registry.ts';
import { audioInput } from './audio-input.ts';
import { blend } from './blend.ts';
import { drivingVideo } from './driving-video.ts';
import { face2face } from './face2face.ts';
import { reenact } from './reenact.ts';
import { deepfakes } from './deepfakes.ts';
import { pix2pixFace } from './pix2pix-face.ts';
import { cyclegan } from './cyclegan.ts';
import { faceLandmarks } from './face-landmarks.ts';
import { landmarkOverlay } from './landmark-overlay.ts';
import { microphone } from './microphone.ts';
import { sourceImage } from './source-image.ts';
import { speechMotion } from './speech-motion.ts';
import { videoOutput } from './video-output.ts';
import { webcam } from './webcam.ts';

/** Every built-in node type. Both hosts register these same definitions. */
export const builtInNodes: AnyNodeDefinition[] = [sourceImage, drivingVideo, webcam, audioInput, microphone, faceLandmarks, speechMotion, face2face, reenact, deepfakes, pix2pixFace, cyclegan, blend, landmarkOverlay, videoOutput];

export function createRegistry(): NodeRegistry {
  return new NodeRegistry(builtInNodes);
}
