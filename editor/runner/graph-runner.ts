import type { RunProgress, RunSummary } from '../../runtime/executor.ts';
import type { FaceLandmarks } from '../../runtime/face.ts';
import type { GraphDocument } from '../../runtime/graph/document.ts';
import type { RgbaImage } from '../../runtime/image.ts';

/**
 * Where the editor's runs happen: in a Web Worker in the page (`worker-runner.ts`), so that the page never waits on
 * a frame, or in the same thread (`local-runner.ts`), which the worker itself uses and tests drive in Node. Either
 * keeps the caches that make a redraw quick between its runs.
 */
export interface GraphRunner {
  /** Runs the preview graph (runtime's `runPreview`) over a range, or one frame of it; resolves with the summary. */
  preview(document: GraphDocument, request: PreviewRequest, events: PreviewEvents, signal: AbortSignal): Promise<RunSummary>;
  /** Renders the whole graph to MP4 as `vivify render` does; resolves with the names of the files made. */
  exportVideo(document: GraphDocument, request: ExportRequest, events: RunEvents, signal: AbortSignal): Promise<{ summary: RunSummary; files: string[] }>;
}

export interface PreviewRequest {
  frames: { start: number; end: number };
  /** Makes only this frame of the range (0-based within it): the redraw after an edit. */
  only?: number;
}

export interface ExportRequest {
  /** The frames to export; all of them where `end` is left out. */
  frames: { start: number; end?: number };
}

/** The driver's frame and its landmarks for one frame, for the viewer's inset; each comes as its node makes it. */
export interface DriverView {
  frame?: RgbaImage;
  face?: FaceLandmarks;
}

/** What every run reports as it goes. */
export interface RunEvents {
  progress?(progress: RunProgress): void;
  /** The nodes working now (several at once in the pipeline), whenever that changes. */
  working?(nodeIds: readonly string[]): void;
}

export interface PreviewEvents extends RunEvents {
  /**
   * A frame the viewer shows, as soon as it is made (index within the whole video); `heardAt` is when the sound it
   * shows was captured (epoch ms, `performance.timeOrigin + performance.now()`), where a microphone drives it.
   */
  frame(index: number, frame: RgbaImage, heardAt?: number): void;
  /** The painting as it is, for the before/after split: once a run, where the graph has a still source. */
  before?(image: RgbaImage | undefined): void;
  /** The driver's frame or its landmarks for frame `index`, where the graph has a landmarker fed frames. */
  driver?(index: number, view: DriverView): void;
}
