import { UsageError, VivifyError } from '../runtime/errors.ts';
import { faceFromValues, faceValues } from '../runtime/face.ts';
import type { DetectedFace, FaceDetector } from '../runtime/face-detector.ts';
import { type FaceChoice, FaceTracker } from '../runtime/landmarks/face-choice.ts';
import { formatRanges, HoldLast, missingRanges } from '../runtime/landmarks/gap-fill.ts';
import { OneEuroFilter } from '../runtime/landmarks/one-euro-filter.ts';
import { defineNode, input, maybeOutput } from '../runtime/node-definition.ts';
import { boolean, choice, integer, number } from '../runtime/params.ts';

interface State {
  detector: FaceDetector;
  /** Made on the first picture, whose size places the "nearest" point. */
  tracker?: FaceTracker<DetectedFace>;
  pointsFilter?: OneEuroFilter;
  poseFilter?: OneEuroFilter;
  /** Points then pose of the last face found, for frames without one. */
  held: HoldLast;
  found: boolean[];
}

export const faceLandmarks = defineNode({
  type: 'face-landmarks',
  version: 1,
  title: 'Face landmarks',
  category: 'analysis',
  description:
    "Finds a face with MediaPipe's face landmarker (built from npm-shipped models, nothing downloaded): 478 landmarks in pixels and the head pose. On a still image it runs once; on frames it tracks, smooths and holds the last face where none is found.",
  inputs: { image: input('image', 'a still image, or frames (the node then runs on each)') },
  outputs: { face: maybeOutput('face', 'the chosen face; absent on frames before any face was found') },
  params: {
    select: choice(['largest', 'index', 'nearest'], 'largest', {
      help: 'which face where there are several: the largest, the n-th from the left, or the one nearest a point',
    }),
    faceIndex: integer(0, { min: 0, max: 7, help: 'with select=index: 0 is the leftmost face' }),
    maxFaces: integer(1, {
      min: 1,
      max: 8,
      help: 'how many faces to look for; more lets select choose among several people, but in a video the detector then runs on every frame',
    }),
    nearX: number(0.5, { min: 0, max: 1, help: 'with select=nearest: the point across the picture, 0 left to 1 right' }),
    nearY: number(0.5, { min: 0, max: 1, help: 'with select=nearest: the point down the picture, 0 top to 1 bottom' }),
    minConfidence: number(0.5, { min: 0.05, max: 1, help: 'how sure the landmarker must be that a face is there' }),
    smoothing: boolean(true, { help: 'smooth landmarks and pose over time (One Euro filter) against jitter' }),
    minCutoff: number(0.5, { min: 0.05, max: 20, help: 'One Euro cutoff (Hz) when still: lower removes more jitter, adds lag' }),
    beta: number(0.03, { min: 0, max: 2, help: 'One Euro speed coefficient: higher follows fast moves with less lag' }),
    hold: boolean(true, {
      help: 'on frames without a face, pass on the last face found (marked not found) so that methods keep going; off, such frames have no face (for tools that skip them)',
    }),
  },
  async prepare(ctx): Promise<State> {
    return {
      detector: await ctx.host.createFaceDetector({
        mode: ctx.streaming ? 'video' : 'image',
        maxFaces: ctx.params.select === 'index' ? Math.max(ctx.params.maxFaces, ctx.params.faceIndex + 1) : ctx.params.maxFaces,
        minConfidence: ctx.params.minConfidence,
      }),
      held: new HoldLast(),
      found: [],
    };
  },
  async run(ctx, inputs, state) {
    const image = inputs.image;
    const { select, faceIndex, nearX, nearY } = ctx.params;
    const rule: FaceChoice =
      select === 'nearest' ? { mode: 'nearest', x: nearX * image.width, y: nearY * image.height } : select === 'index' ? { mode: 'index', index: faceIndex } : { mode: 'largest' };
    state.tracker ??= new FaceTracker<DetectedFace>(rule);
    const time = ctx.frame?.time ?? 0;
    const face = state.tracker.choose(await state.detector.detect(image, Math.round(time * 1000)));
    if (!ctx.frame) {
      if (!face) {
        const hint = 'a face needs to be clearly visible and not too small';
        // A picture the user gave is named, as bad input is: one sentence, exit 2.
        if (image.name) throw new UsageError(`${image.name}: no face found in the ${image.width}x${image.height} picture (${hint})`);
        throw new VivifyError(`no face found in the ${image.width}x${image.height} image (${hint})`);
      }
      return { face: { points: face.points, transform: face.transform, confidence: 1, found: true } };
    }
    state.found.push(Boolean(face));
    let values: Float32Array | undefined;
    if (face) {
      let points = face.points;
      let transform = face.transform;
      if (ctx.params.smoothing) {
        const options = { minCutoff: ctx.params.minCutoff, beta: ctx.params.beta };
        state.pointsFilter ??= new OneEuroFilter(options);
        state.poseFilter ??= new OneEuroFilter(options);
        points = state.pointsFilter.filter(points, time);
        transform = state.poseFilter.filter(transform, time);
      }
      values = faceValues(points, transform);
    }
    const shown = ctx.params.hold ? state.held.next(values) : values;
    return { face: shown && faceFromValues(shown, Boolean(face)) };
  },
  async finish(ctx, state) {
    const gaps = missingRanges(state.found);
    if (gaps.length === 0) return;
    if (!ctx.params.hold) {
      ctx.warn(`no face in ${formatRanges(gaps)}`);
      return;
    }
    const first = state.found.indexOf(true);
    const before = first > 0 ? `; before frame ${first} there was no face to hold, so nothing downstream could use those frames` : '';
    ctx.warn(`no face in ${formatRanges(gaps)}: the last face found was held there${before}`);
  },
  async close(state) {
    state.detector.close();
  },
});
