import { createSignal } from 'solid-js';
import { drawFaceOverlay } from '../../runtime/draw/landmark-overlay.ts';
import type { GraphDocument } from '../../runtime/graph/document.ts';
import type { RgbaImage } from '../../runtime/image.ts';
import type { DriverView } from '../runner/graph-runner.ts';

/** What the session shows: the viewer panel in the page, anything that records what it is given in a test. */
export interface ViewerSink {
  show(frame: RgbaImage): void;
  /** The driver with its landmarks, in the corner; undefined takes it away. */
  setInset(image: RgbaImage | undefined): void;
  /** The painting as it is, for the before/after split. */
  setBefore(image: RgbaImage | undefined): void;
  /** Shows nothing: no frame, no before, no inset (after a failed run, nothing of an earlier graph stays). */
  clear(): void;
}

interface Held {
  frame?: RgbaImage;
  /** The document the frame was made from: after an edit, a frame is made again before it is shown. */
  document?: GraphDocument;
  driver: DriverView;
}

/** Pixels the page keeps of a preview's frames (a 720x1280 frame is 3.7 MB): past this, the oldest are let go. */
const defaultBudgetBytes = 1024 * 2 ** 20;

/**
 * The frames a preview made, with the document each was made from and the driver's frame and landmarks for its
 * inset; which one is shown, and whether its inset is. Frames beyond the byte budget are let go, oldest first (never
 * the one shown): a let-go frame is made again (a redraw) when scrubbed to.
 */
export function createShownFrames(viewer: ViewerSink, budgetBytes = defaultBudgetBytes) {
  /** By frame index, in the order they were made (a Map keeps it), so the oldest go first. */
  const held = new Map<number, Held>();
  let bytes = 0;
  const [made, setMade] = createSignal(0);
  const [shown, setShown] = createSignal(0);
  const [overlay, setOverlay] = createSignal(false);

  const sizeOf = (entry: Held) => (entry.frame?.data.byteLength ?? 0) + (entry.driver.frame?.data.byteLength ?? 0);

  /** The entry of frame `index`, moved to the newest end; its bytes are taken off until it is put back. */
  function take(index: number): Held {
    const entry = held.get(index);
    if (!entry) return { driver: {} };
    held.delete(index);
    bytes -= sizeOf(entry);
    return entry;
  }

  function keep(index: number, entry: Held): void {
    held.set(index, entry);
    bytes += sizeOf(entry);
    for (const [oldest, each] of held) {
      if (bytes <= budgetBytes) break;
      if (oldest === shown() || oldest === index) continue;
      held.delete(oldest);
      bytes -= sizeOf(each);
    }
  }

  /** Shows frame `index` with its inset (the driver with its mesh) where the landmark overlay is on. */
  function show(index: number): void {
    const entry = held.get(index);
    if (!entry?.frame) return;
    viewer.show(entry.frame);
    const { driver } = entry;
    viewer.setInset(overlay() && driver.frame && driver.face ? drawFaceOverlay(driver.frame, driver.face) : undefined);
  }

  return {
    /** The index of the frame shown (or to be shown once made). */
    shown,
    /** How many frames the last preview made: the scrub bar reaches that far. */
    ready: made,
    overlay,
    setShown,
    show,
    /** Frame `index` as made, where it is still held. */
    frame: (index: number): RgbaImage | undefined => held.get(index)?.frame,
    count: made,
    /** Whether frame `index` is held and was made from `document` (so it can be shown as it is). */
    madeFrom: (index: number, document: GraphDocument) => held.get(index)?.document === document,
    clear(): void {
      held.clear();
      bytes = 0;
      setMade(0);
    },
    put(index: number, frame: RgbaImage, document: GraphDocument): void {
      const entry = take(index);
      keep(index, { ...entry, frame, document });
      if (index >= made()) setMade(index + 1);
    },
    /** The driver's frame or landmarks for frame `index` (they come before the frame itself). */
    putDriver(index: number, view: DriverView): void {
      const entry = take(index);
      keep(index, { ...entry, driver: { ...entry.driver, ...view } });
    },
    /** Turns the landmark inset on or off, redrawing the shown frame. */
    setOverlay(on: boolean): void {
      setOverlay(on);
      show(shown());
    },
  };
}

export type ShownFrames = ReturnType<typeof createShownFrames>;
