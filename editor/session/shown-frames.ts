import { createSignal } from 'solid-js';
import { drawFaceOverlay } from '../../runtime/draw/landmark-overlay.ts';
import type { FaceLandmarks } from '../../runtime/face.ts';
import type { GraphDocument } from '../../runtime/graph/document.ts';
import type { RgbaImage } from '../../runtime/image.ts';
import type { NodeRegistry } from '../../runtime/registry.ts';
import { viewerSources } from '../preview/viewer-extras.ts';

/** What the session shows: the viewer panel in the page, anything that records what it is given in a test. */
export interface ViewerSink {
  show(frame: RgbaImage): void;
  /** The driver with its landmarks, in the corner; undefined takes it away. */
  setInset(image: RgbaImage | undefined): void;
  /** The painting as it is, for the before/after split. */
  setBefore(image: RgbaImage | undefined): void;
}

/**
 * The frames a preview made, with the document each was made from (after an edit, a frame is made again before it is
 * shown) and the driver's frame and landmarks for its inset; which one is shown, and whether its inset is.
 */
export function createShownFrames(registry: NodeRegistry, viewer: ViewerSink) {
  const frames: RgbaImage[] = [];
  const documents: GraphDocument[] = [];
  const drivers: { frame?: RgbaImage; face?: FaceLandmarks }[] = [];
  const [shown, setShown] = createSignal(0);
  const [ready, setReady] = createSignal(0);
  const [overlay, setOverlay] = createSignal(false);

  /** Shows frame `index` with its inset (the driver with its mesh) where the landmark overlay is on. */
  function show(index: number): void {
    const frame = frames[index];
    if (!frame) return;
    viewer.show(frame);
    const driver = drivers[index];
    viewer.setInset(overlay() && driver?.frame && driver.face ? drawFaceOverlay(driver.frame, driver.face) : undefined);
  }

  /** Gathers what the viewer shows beside the frames of a run of `document`: the painting before, the driver and its landmarks. */
  function tap(document: GraphDocument) {
    const sources = viewerSources(document, registry);
    return (nodeId: string, frame: number | undefined, outputs: Readonly<Record<string, unknown>>) => {
      if (frame === undefined) {
        if (sources.before?.nodeId === nodeId) viewer.setBefore(outputs[sources.before.port] as RgbaImage | undefined);
        return;
      }
      const driver = sources.driver;
      if (!driver) return;
      drivers[frame] ??= {};
      if (nodeId === driver.frames.nodeId) drivers[frame]!.frame = outputs[driver.frames.port] as RgbaImage | undefined;
      if (nodeId === driver.face.nodeId) drivers[frame]!.face = outputs[driver.face.port] as FaceLandmarks | undefined;
    };
  }

  return {
    /** The index of the frame shown (or to be shown once made). */
    shown,
    /** How many frames are ready to scrub through. */
    ready,
    overlay,
    setShown,
    show,
    tap,
    frame: (index: number): RgbaImage | undefined => frames[index],
    count: () => frames.length,
    /** Whether frame `index` was made from `document` (so it can be shown as it is). */
    madeFrom: (index: number, document: GraphDocument) => documents[index] === document,
    clear(): void {
      frames.length = 0;
      documents.length = 0;
      drivers.length = 0;
      setReady(0);
    },
    put(index: number, frame: RgbaImage, document: GraphDocument): void {
      frames[index] = frame;
      documents[index] = document;
      setReady(frames.length);
    },
    /** Turns the landmark inset on or off, redrawing the shown frame. */
    setOverlay(on: boolean): void {
      setOverlay(on);
      show(shown());
    },
  };
}

export type ShownFrames = ReturnType<typeof createShownFrames>;
