import { z } from 'zod';

/** The JSON lines the trainers (models/train/*.py) print on stdout, one event each. */

const faceFolder = z.object({ folder: z.string(), faces: z.int() });

/** What every trainer's `start` says, besides how many faces it trains on. */
const startFields = {
  type: z.literal('start'),
  iteration: z.int(),
  iterations: z.int(),
  preset: z.string(),
  size: z.int(),
  batch: z.int(),
  device: z.string(),
  parameters: z.int(),
  resumed: z.boolean(),
  /** Where the preview grids go, and every how many iterations (0: only at the end). */
  previews: z.string().optional(),
  preview_every: z.int().optional(),
};

const startEvent = z.object({ ...startFields, faces: z.object({ a: z.int(), b: z.int() }) });

/** The events every trainer prints besides `start` and `progress`. */
const commonEvents = [
  z.object({ type: z.literal('preview'), iteration: z.int(), path: z.string() }),
  z.object({ type: z.literal('checkpoint'), iteration: z.int(), path: z.string() }),
  // reason: Ctrl-C or SIGTERM ("signal"), or --stop-after ("time"); the export follows unless nothing was trained.
  z.object({
    type: z.literal('stopped'),
    iteration: z.int().nullable(),
    iterations: z.int().optional(),
    checkpoint: z.string().optional(),
    reason: z.enum(['signal', 'time']).nullable().optional(),
  }),
  z.object({ type: z.literal('export'), iteration: z.int(), files: z.array(z.string()) }),
  z.object({ type: z.literal('done'), iteration: z.int(), seconds: z.number().optional(), stopped: z.boolean() }),
  z.object({ type: z.literal('error'), message: z.string() }),
] as const;

export const trainerEvent = z.discriminatedUnion('type', [
  startEvent,
  z.object({
    type: z.literal('progress'),
    iteration: z.int(),
    iterations: z.int(),
    loss_a: z.number(),
    loss_b: z.number(),
    mask_loss_a: z.number(),
    mask_loss_b: z.number(),
    it_per_s: z.number(),
  }),
  ...commonEvents,
]);

export type TrainerEvent = z.infer<typeof trainerEvent>;
export type TrainerEventOf<T extends TrainerEvent['type']> = Extract<TrainerEvent, { type: T }>;

/** The metadata the trainer exports beside the ONNX files (deepfakes.json). */
export const deepfakesMetadata = z.object({
  format: z.literal('vivify.deepfakes'),
  version: z.literal(1),
  size: z.int(),
  preset: z.string(),
  alignment: z.string().nullable(),
  iterations: z.int(),
  seconds: z.number(),
  device: z.string(),
  a: faceFolder,
  b: faceFolder,
  loss: z.object({
    first: z.object({ a: z.number(), b: z.number() }).nullable(),
    last: z.object({ a: z.number(), b: z.number() }).nullable(),
  }),
  input: z.string(),
  outputs: z.array(z.string()),
  parameters: z.int(),
});
export type DeepfakesMetadata = z.infer<typeof deepfakesMetadata>;

/** The JSON lines models/train/cyclegan_train.py prints: DeepFakes' events, with CycleGAN's five losses in `progress`. */
export const cycleganTrainerEvent = z.discriminatedUnion('type', [
  startEvent,
  z.object({
    type: z.literal('progress'),
    iteration: z.int(),
    iterations: z.int(),
    lr: z.number(),
    loss_G: z.number(),
    loss_D_A: z.number(),
    loss_D_B: z.number(),
    loss_cycle: z.number(),
    loss_identity: z.number(),
    it_per_s: z.number(),
  }),
  ...commonEvents,
]);
export type CycleganTrainerEvent = z.infer<typeof cycleganTrainerEvent>;

const cycleganLosses = z.object({ G: z.number(), D_A: z.number(), D_B: z.number(), cycle: z.number(), identity: z.number() });

/** The metadata cyclegan_train.py exports beside the ONNX files (cyclegan.json). */
export const cycleganMetadata = z.object({
  format: z.literal('vivify.cyclegan-training'),
  version: z.literal(1),
  size: z.int(),
  preset: z.string(),
  ngf: z.int(),
  n_blocks: z.int(),
  ndf: z.int(),
  iterations: z.int(),
  seconds: z.number(),
  device: z.string(),
  a: faceFolder,
  b: faceFolder,
  loss: z.object({ first: cycleganLosses.nullable(), last: cycleganLosses.nullable() }),
  parameters: z.int(),
});
export type CycleganMetadata = z.infer<typeof cycleganMetadata>;

/** The JSON lines models/train/pix2pix_train.py prints: one target, L1 and the GAN's losses in `progress`. */
export const pix2pixTrainerEvent = z.discriminatedUnion('type', [
  z.object({ ...startFields, faces: z.object({ target: z.int() }), scales: z.int() }),
  z.object({
    type: z.literal('progress'),
    iteration: z.int(),
    iterations: z.int(),
    lr: z.number(),
    /** The mean absolute difference from the real face, RGB in 0..1. */
    loss_L1: z.number(),
    loss_G_GAN: z.number(),
    /** pix2pixHD's feature matching (0 with one discriminator scale). */
    loss_G_feat: z.number(),
    loss_D: z.number(),
    it_per_s: z.number(),
  }),
  ...commonEvents,
]);
export type Pix2pixTrainerEvent = z.infer<typeof pix2pixTrainerEvent>;

const pix2pixLosses = z.object({ L1: z.number(), G_GAN: z.number(), G_feat: z.number(), D: z.number() });
export type Pix2pixLosses = z.infer<typeof pix2pixLosses>;

/** The metadata pix2pix_train.py exports beside pix2pix.onnx (pix2pix.json), what the pix2pix-face node reads. */
export const pix2pixMetadata = z.object({
  format: z.literal('vivify.pix2pix'),
  version: z.literal(1),
  size: z.int(),
  preset: z.string(),
  ngf: z.int(),
  downs: z.int(),
  ndf: z.int(),
  scales: z.int(),
  alignment: z.string().nullable(),
  iterations: z.int(),
  seconds: z.number(),
  device: z.string(),
  pairs: faceFolder,
  loss: z.object({ first: pix2pixLosses.nullable(), last: pix2pixLosses.nullable() }),
  input: z.string(),
  output: z.string(),
  parameters: z.int(),
});
export type Pix2pixMetadata = z.infer<typeof pix2pixMetadata>;
