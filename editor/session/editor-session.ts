import { createSignal } from 'solid-js';
import type { ModelUse } from '../../runtime/executor.ts';
import { FrameCache } from '../../runtime/frame-cache.ts';
import type { Host } from '../../runtime/host.ts';
import type { NodeRegistry } from '../../runtime/registry.ts';
import { ResultCache } from '../../runtime/result-cache.ts';
import { cliCommand, runExport } from '../export/export-run.ts';
import { runPreview } from '../preview/preview-run.ts';
import { createEditorStore } from '../state/editor-store.ts';
import { createFileActions, type SessionOutlets } from './file-actions.ts';
import { createShownFrames, type ViewerSink } from './shown-frames.ts';

export interface EditorSessionOptions extends SessionOutlets {
  registry: NodeRegistry;
  host: Host;
  viewer: ViewerSink;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The editor without its page: the document and its history, the preview, the quick redraw after an edit, the export
 * and what it reports. The page renders its signals and calls its methods; a test drives it in Node with the Node
 * host, seeing what the viewer would show through `viewer` and what would be offered through `download` and `copy`.
 */
export function createEditorSession(options: EditorSessionOptions) {
  const { registry, host } = options;
  const store = createEditorStore(registry);
  // Kept between runs: a moved slider re-runs only what lies downstream, and the driver is not decoded again.
  const cache = new ResultCache();
  const frameCache = new FrameCache();
  const frames = createShownFrames(registry, options.viewer);
  const [message, setMessage] = createSignal('');
  const files = createFileActions(store, registry, options, setMessage);
  const [frameCount, setFrameCount] = createSignal(30);
  const [previewing, setPreviewing] = createSignal<AbortController | undefined>();
  const [progress, setProgress] = createSignal({ frame: 0, total: 0, fps: 0 });
  const [exporting, setExporting] = createSignal<AbortController | undefined>();
  const [exportProgress, setExportProgress] = createSignal('');
  const [exportPreviewRange, setExportPreviewRange] = createSignal(false);
  const [command, setCommand] = createSignal('');
  const [refreshMs, setRefreshMs] = createSignal<number | undefined>();
  /** The models the last preview or export ran, each with the provider that ran it. */
  const [modelUses, setModelUses] = createSignal<ModelUse[]>([]);
  let refreshing: AbortController | undefined;

  /** Previews the first `frameCount` frames, showing each as it is made; a preview already running gives way. */
  async function preview(): Promise<void> {
    previewing()?.abort();
    const controller = new AbortController();
    setPreviewing(controller);
    frames.clear();
    const made = store.document();
    setMessage('');
    const total = frameCount();
    const started = performance.now();
    try {
      const summary = await runPreview(made, {
        registry,
        host,
        cache,
        frameCache,
        frames: { start: 0, end: total },
        signal: controller.signal,
        onNodeOutputs: frames.tap(made),
        onFrame(index, frame) {
          frames.put(index, frame, made);
          frames.setShown(index);
          frames.show(index);
          const seconds = (performance.now() - started) / 1000;
          setProgress({ frame: index + 1, total, fps: (index + 1) / seconds });
        },
      });
      setMessage(`previewed ${frames.count()} frames`);
      setModelUses(summary.models);
    } catch (error) {
      if (!controller.signal.aborted) setMessage(errorText(error));
    } finally {
      if (previewing() === controller) setPreviewing(undefined);
    }
  }

  /**
   * After an edit, makes the shown frame again from the frame cache (the driver's frames and landmarks are not
   * decoded or found again); a newer edit during it wins. Nothing to do while a preview or an export runs.
   */
  async function refresh(): Promise<void> {
    const index = frames.shown();
    if (previewing() || exporting() || !frames.frame(index)) return;
    refreshing?.abort();
    const controller = new AbortController();
    refreshing = controller;
    const made = store.document();
    const started = performance.now();
    try {
      await runPreview(made, {
        registry,
        host,
        cache,
        frameCache,
        frames: { start: 0, end: frameCount() },
        only: index,
        signal: controller.signal,
        onNodeOutputs: frames.tap(made),
        onFrame(at, frame) {
          frames.put(at, frame, made);
          if (frames.shown() === at) frames.show(at);
        },
      });
      setRefreshMs(performance.now() - started);
    } catch (error) {
      if (!controller.signal.aborted) setMessage(errorText(error));
    }
  }

  /** Shows frame `index`, making it again first where the document changed since it was made. */
  async function scrub(index: number): Promise<void> {
    if (!frames.frame(index)) return;
    frames.setShown(index);
    if (frames.madeFrom(index, store.document())) frames.show(index);
    else await refresh();
  }

  const exportRange = () => (exportPreviewRange() ? { start: 0, end: frameCount() } : undefined);

  /** Renders the graph to MP4 with this host, as `vivify render` does, then offers the files it made. */
  async function exportVideo(): Promise<void> {
    previewing()?.abort();
    const controller = new AbortController();
    setExporting(controller);
    setExportProgress('starting…');
    try {
      const { summary, files: made } = await runExport(store.document(), {
        registry,
        host,
        cache,
        frames: exportRange() ?? { start: 0 },
        signal: controller.signal,
        onProgress: (p) => setExportProgress(`${p.pass === 'scan' ? 'scanning' : 'exporting'} ${p.frame}/${p.total} · ${p.fps.toFixed(1)} fps`),
      });
      for (const name of made) options.download(name, options.files.get(name));
      setExportProgress('');
      setMessage(`exported ${made.join(', ')}: ${summary.frames} frames in ${summary.seconds.toFixed(1)} s`);
      setModelUses(summary.models);
    } catch (error) {
      setExportProgress('');
      setMessage(controller.signal.aborted ? 'export cancelled; nothing was written' : errorText(error));
    } finally {
      setExporting(undefined);
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
    registry,
    host,
    ...files,
    message,
    setMessage,
    frameCount,
    setFrameCount,
    progress,
    /** Whether a preview runs. */
    previewing: () => previewing() !== undefined,
    preview,
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

export type EditorSession = ReturnType<typeof createEditorSession>;
