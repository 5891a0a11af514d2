import { createSignal } from 'solid-js';
import type { ModelUse, RunProgress } from '../../runtime/executor.ts';
import type { Host } from '../../runtime/host.ts';
import type { NodeRegistry } from '../../runtime/registry.ts';
import { cliCommand } from '../export/export-run.ts';
import type { GraphRunner, PreviewEvents } from '../runner/graph-runner.ts';
import { createLocalRunner } from '../runner/local-runner.ts';
import { describeRunError } from '../runner/run-errors.ts';
import { createEditorStore } from '../state/editor-store.ts';
import { createFileActions, type SessionOutlets } from './file-actions.ts';
import { createModelStatus } from './model-status.ts';
import { runRefusal } from './run-refusal.ts';
import { createShownFrames, type ViewerSink } from './shown-frames.ts';

export interface EditorSessionOptions extends SessionOutlets {
  registry: NodeRegistry;
  host: Host;
  /** Where runs happen: the page passes a worker's; by default they run here, with `host` (tests in Node). */
  runner?: GraphRunner;
  viewer: ViewerSink;
}

/** How far a preview has come: frames made of the total, their speed, the time left; `pass` 'scan' while a node looks over the driver first. */
export type PreviewProgress = Pick<RunProgress, 'pass' | 'frame' | 'total' | 'fps' | 'etaSeconds'>;

/**
 * The editor without its page: the document and its history, the preview, the quick redraw after an edit, the export
 * and what it reports. The page renders its signals and calls its methods; a test drives it in Node with the Node
 * host, seeing what the viewer would show through `viewer` and what would be offered through `download` and `copy`.
 */
export function createEditorSession(options: EditorSessionOptions) {
  const { registry, host } = options;
  const runner = options.runner ?? createLocalRunner({ registry, host });
  const store = createEditorStore(registry);
  const frames = createShownFrames(options.viewer);
  const [message, setMessage] = createSignal('');
  const models = createModelStatus({ store, registry, access: host, setMessage });
  const files = createFileActions(store, registry, options, setMessage, models);
  const [frameCount, setFrameCount] = createSignal(30);
  const [previewing, setPreviewing] = createSignal<AbortController | undefined>();
  const [progress, setProgress] = createSignal<PreviewProgress>({ pass: 'render', frame: 0, total: 0, fps: 0, etaSeconds: undefined });
  const [working, setWorking] = createSignal<readonly string[]>([]);
  const [exporting, setExporting] = createSignal<AbortController | undefined>();
  const [exportProgress, setExportProgress] = createSignal('');
  const [exportPreviewRange, setExportPreviewRange] = createSignal(false);
  const [command, setCommand] = createSignal('');
  const [refreshMs, setRefreshMs] = createSignal<number | undefined>();
  /** Where a microphone drives the preview: from its sound's capture to the frame showing it (ms), the newest frame's. */
  const [liveLatencyMs, setLiveLatencyMs] = createSignal<number | undefined>();
  /** The models the last preview or export ran, each with the provider that ran it. */
  const [modelUses, setModelUses] = createSignal<ModelUse[]>([]);
  let refreshing: AbortController | undefined;
  /** The range the frames shown were made over: a redraw looks over the same driver frames (its reference among them). */
  let previewRange = { start: 0, end: frameCount() };

  /** Whether a run may start; where the graph has problems, says the first, selects its node and answers false. */
  function mayRun(action: 'preview' | 'export'): boolean {
    const refusal = runRefusal(action, store.problems());
    if (!refusal) return true;
    setMessage(refusal.text);
    if (refusal.nodeId) store.select(refusal.nodeId);
    return false;
  }

  /** Tells a failed run in a plain sentence; what is not one of Vivify's own goes to the console in full. */
  function failed(error: unknown): string {
    const report = describeRunError(error);
    if (report.internal) console.error(`vivify: ${report.text}\n${report.detail ?? ''}`);
    return report.text;
  }

  /** Previews the first `frameCount` frames, showing each as it is made; a preview already running gives way. */
  async function preview(): Promise<void> {
    previewing()?.abort();
    setPreviewing(undefined);
    // Refused, the frames made before stay: they are the last preview's, and the message says why none was made.
    if (!mayRun('preview')) return;
    const controller = new AbortController();
    setPreviewing(controller);
    frames.clear();
    setLiveLatencyMs(undefined);
    const made = store.document();
    setMessage('');
    const total = frameCount();
    previewRange = { start: 0, end: total };
    setProgress({ pass: 'render', frame: 0, total, fps: 0, etaSeconds: undefined });
    const current = () => previewing() === controller;
    try {
      const summary = await runner.preview(made, { frames: previewRange }, {
        ...viewEvents(current),
        frame(index, frame, heardAt) {
          if (!current()) return;
          frames.put(index, frame, made);
          frames.setShown(index);
          frames.show(index);
          // The page's viewer draws it at its next animation frame: up to one screen refresh more.
          if (heardAt !== undefined) setLiveLatencyMs(performance.timeOrigin + performance.now() - heardAt);
        },
        progress: (p) => current() && setProgress({ pass: p.pass, frame: p.frame, total: p.total, fps: p.fps, etaSeconds: p.etaSeconds }),
        working: (nodes) => current() && setWorking(nodes),
      }, controller.signal);
      setMessage(`previewed ${frames.count()} frames`);
      setModelUses(summary.models);
    } catch (error) {
      if (!controller.signal.aborted) {
        setMessage(failed(error));
        clearViewer();
      }
    } finally {
      if (current()) {
        setPreviewing(undefined);
        setWorking([]);
      }
    }
  }

  /** Stops the preview at once; the frames made so far stay to scrub through. */
  function cancelPreview(): void {
    const controller = previewing();
    if (!controller) return;
    controller.abort();
    setPreviewing(undefined);
    setWorking([]);
    setMessage(`preview cancelled after ${frames.count()} frame${frames.count() === 1 ? '' : 's'}`);
  }

  /** The painting before and the driver inset, from a run while it is `current`. */
  function viewEvents(current: () => boolean): Pick<PreviewEvents, 'before' | 'driver'> {
    return {
      before: (image) => current() && options.viewer.setBefore(image),
      driver: (index, view) => current() && frames.putDriver(index, view),
    };
  }

  function clearViewer(): void {
    frames.clear();
    options.viewer.clear();
  }

  /**
   * After an edit, makes the shown frame again (the driver's frames and landmarks are not decoded or found again);
   * a newer edit during it wins. Nothing to do while a preview or an export runs, or while the graph has problems.
   */
  async function refresh(): Promise<void> {
    const index = frames.shown();
    if (previewing() || exporting() || index >= frames.count() || store.problems().length > 0) return;
    refreshing?.abort();
    const controller = new AbortController();
    refreshing = controller;
    const made = store.document();
    const started = performance.now();
    const current = () => refreshing === controller;
    try {
      await runner.preview(made, { frames: previewRange, only: index }, {
        ...viewEvents(current),
        frame(at, frame) {
          if (!current()) return;
          frames.put(at, frame, made);
          if (frames.shown() === at) frames.show(at);
          setRefreshMs(performance.now() - started);
        },
      }, controller.signal);
    } catch (error) {
      if (controller.signal.aborted) return;
      setMessage(failed(error));
      // The graph cannot make the frame: nothing made before (by another graph, perhaps) stays shown.
      clearViewer();
    }
  }

  /** Shows frame `index`, making it again first where the document changed since it was made (or it was let go). */
  async function scrub(index: number): Promise<void> {
    if (index >= frames.count()) return;
    frames.setShown(index);
    if (frames.madeFrom(index, store.document())) frames.show(index);
    else await refresh();
  }

  const exportRange = () => (exportPreviewRange() ? { start: 0, end: frameCount() } : undefined);

  /** Renders the graph to MP4 with this host, as `vivify render` does, then offers the files it made. */
  async function exportVideo(): Promise<void> {
    if (!mayRun('export')) return;
    previewing()?.abort();
    setPreviewing(undefined);
    const controller = new AbortController();
    setExporting(controller);
    setExportProgress('starting…');
    try {
      const { summary, files: made } = await runner.exportVideo(store.document(), { frames: exportRange() ?? { start: 0 } }, {
        progress: (p) => setExportProgress(`${p.pass === 'scan' ? 'scanning' : 'exporting'} ${p.frame}/${p.total} · ${p.fps.toFixed(1)} fps${eta(p.etaSeconds)}`),
        working: setWorking,
      }, controller.signal);
      for (const name of made) options.download(name, options.files.get(name));
      setExportProgress('');
      setMessage(`exported ${made.join(', ')}: ${summary.frames} frames in ${summary.seconds.toFixed(1)} s`);
      setModelUses(summary.models);
    } catch (error) {
      setExportProgress('');
      setMessage(controller.signal.aborted ? 'export cancelled; nothing was written' : failed(error));
    } finally {
      setExporting(undefined);
      setWorking([]);
    }
  }

  /** The `vivify render` line for this graph and the files it was given; copied and shown. */
  function copyCommand(): string {
    const line = cliCommand(store.document(), registry, files.graphFileName(), exportRange());
    setCommand(line);
    options.copy(line);
    setMessage('CLI command copied');
    return line;
  }

  return {
    store,
    /** Which models the graph needs are installed; marks and imports (model-status.ts). */
    models,
    registry,
    host,
    ...files,
    message,
    setMessage,
    frameCount,
    setFrameCount,
    progress,
    /** The nodes working now in a preview or export (the canvas highlights them). */
    working,
    liveLatencyMs,
    /** Whether a preview runs. */
    previewing: () => previewing() !== undefined,
    preview,
    cancelPreview,
    refresh,
    scrub,
    /** The index of the frame shown. */
    shownFrame: frames.shown,
    /** How many frames the scrub bar reaches. */
    framesReady: frames.ready,
    /** How many frames the last preview made (plain: for tests' hooks). */
    framesMade: frames.count,
    frame: frames.frame,
    overlay: frames.overlay,
    setOverlay: frames.setOverlay,
    refreshMs,
    modelUses,
    /** Whether an export runs. */
    exporting: () => exporting() !== undefined,
    exportProgress,
    exportPreviewRange,
    setExportPreviewRange,
    exportVideo,
    cancelExport: () => exporting()?.abort(),
    command,
    copyCommand,
  };
}

/** " · 12 s left" once the time left is known. */
export function eta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '';
  const whole = Math.ceil(seconds);
  return ` · ${whole < 60 ? `${whole} s` : `${Math.floor(whole / 60)} min ${whole % 60} s`} left`;
}

export type EditorSession = ReturnType<typeof createEditorSession>;
