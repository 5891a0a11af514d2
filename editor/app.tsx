import { createEffect, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js';
import { createRegistry } from '../nodes/index.ts';
import { BrowserFiles } from '../runtime/browser/browser-files.ts';
import { createBrowserHost } from '../runtime/browser/browser-host.ts';
import { onnxruntimeWebFolder } from '../runtime/browser/browser-onnx.ts';
import { createBrowserVideo } from '../runtime/browser/browser-video.ts';
import type { FfmpegWasm } from '../runtime/browser/ffmpeg-wasm.ts';
import { describeModelUse } from '../runtime/executor.ts';
import { editorAssets } from './editor-assets.ts';
import { createEditorSession } from './session/editor-session.ts';
import { keyAction } from './session/keymap.ts';
import { builtInPresets } from './state/built-in-presets.ts';
import { problemNode } from './state/graph-file.ts';
import { recentGraphs, rememberGraph } from './state/recent-graphs.ts';
import { GraphCanvas, type GraphCanvasHandle } from './ui/graph-canvas.tsx';
import { Palette } from './ui/palette.tsx';
import { Inspector } from './ui/inspector.tsx';
import { Viewer, type ViewerHandle } from './ui/viewer.tsx';

export interface AppProps {
  ffmpeg: FfmpegWasm;
  executionProvider: string;
}

/** The editor's page: toolbar, the graph's inputs, canvas, inspector and viewer, over a headless editor session. */
export function App(props: AppProps) {
  const files = new BrowserFiles();
  const host = createBrowserHost({
    files,
    video: createBrowserVideo(files, props.ffmpeg),
    executionProvider: props.executionProvider,
    landmarker: { wasmFolderUrl: new URL(editorAssets.mediapipeFolder, document.baseURI).href, bundleUrl: new URL(editorAssets.landmarkerBundle, document.baseURI).href },
    models: { storeUrl: new URL('models/', document.baseURI).href, runtimeUrl: new URL(`${onnxruntimeWebFolder}/`, document.baseURI).href },
  });
  let viewer: ViewerHandle | undefined;
  let canvas: GraphCanvasHandle | undefined;
  const session = createEditorSession({
    registry: createRegistry(),
    host,
    files,
    recent: { list: recentGraphs, remember: rememberGraph },
    // The viewer mounts after the session is made: calls before then have nothing to draw on.
    viewer: {
      show: (frame) => viewer?.show(frame),
      setInset: (image) => viewer?.setInset(image),
      setBefore: (image) => viewer?.setBefore(image),
    },
    download,
    copy: (text) => void navigator.clipboard?.writeText(text).catch(() => undefined),
  });
  const { store, registry } = session;
  const [split, setSplit] = createSignal(0);

  function download(name: string, blob: Blob) {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = name;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  }

  // An edit redraws the shown frame (the session's refresh; newest edit wins).
  createEffect(on(store.document, () => void session.refresh(), { defer: true }));

  function onDrop(event: DragEvent) {
    event.preventDefault();
    void session.drop(Array.from(event.dataTransfer?.files ?? []), canvas?.nodeAt(event));
  }

  const onKey = (event: KeyboardEvent) => {
    const action = keyAction(event);
    if (!action) return;
    event.preventDefault();
    if (action === 'save') void session.save();
    else if (action === 'preview') void session.preview();
    else if (action === 'undo') store.undo();
    else if (action === 'redo') store.redo();
    else canvas?.duplicate();
  };
  onMount(() => {
    window.addEventListener('keydown', onKey, true);
    void session.loadRecent();
    session.openLink(location.hash);
  });
  onCleanup(() => window.removeEventListener('keydown', onKey, true));

  // What end-to-end tests read: the document and problems as the editor holds them, and the frames it showed.
  Object.assign(window, {
    vivifyEditor: {
      document: () => store.document(),
      problems: () => store.problems(),
      frames: () => session.framesMade(),
      frame: (index: number) => session.frame(index),
      provider: () => host.executionProvider,
      renderer: () => viewer?.renderer(),
      canvasNodes: () => canvas?.nodeCount(),
      select: (id: string) => store.select(id),
      param: (nodeId: string, name: string) => store.document().nodes[nodeId]?.params[name],
      refreshMs: () => session.refreshMs(),
    },
  });

  return (
    <div class="editor" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <header class="toolbar">
        <strong>Vivify</strong>
        <select
          data-testid="presets"
          onChange={(e) => {
            const preset = builtInPresets.find((p) => p.name === e.currentTarget.value);
            if (preset) store.open(preset.text);
            e.currentTarget.value = '';
          }}
        >
          <option value="">Presets…</option>
          <For each={builtInPresets}>{(preset) => <option value={preset.name}>{preset.title}</option>}</For>
        </select>
        <label class="button">
          Open…
          <input type="file" accept=".json,application/json" data-testid="open-graph" hidden onChange={(e) => e.currentTarget.files?.[0] && void session.openFile(e.currentTarget.files[0])} />
        </label>
        <button type="button" onClick={() => void session.save()} title="Ctrl+S" data-testid="save">Save</button>
        <select
          data-testid="recent"
          onChange={(e) => {
            const chosen = session.recent()[Number(e.currentTarget.value)];
            if (chosen) store.load(chosen.document);
            e.currentTarget.value = '';
          }}
        >
          <option value="">Recent…</option>
          <For each={session.recent()}>{(entry, index) => <option value={index()}>{entry.title}</option>}</For>
        </select>
        <button type="button" onClick={() => session.share(location.href)} data-testid="share">Share</button>
        <button type="button" onClick={() => store.undo()} disabled={store.historySize().undo === 0} title="Ctrl+Z">Undo</button>
        <button type="button" onClick={() => store.redo()} disabled={store.historySize().redo === 0} title="Ctrl+Shift+Z">Redo</button>
        <span class="inputs">
          <For each={session.graphInputs()}>
            {([name, target]) => (
              <label class="graph-input" title={`sets ${target}`}>
                {name}:
                <input
                  type="file"
                  data-input={name}
                  onChange={(e) => {
                    const file = e.currentTarget.files?.[0];
                    if (file) session.setInputFile(name, file);
                  }}
                />
              </label>
            )}
          </For>
        </span>
        <label>
          frames <input type="number" min="1" max="100000" value={session.frameCount()} onChange={(e) => session.setFrameCount(Math.max(1, Number(e.currentTarget.value)))} data-testid="frame-count" />
        </label>
        <button type="button" data-testid="preview" onClick={() => void session.preview()} title="Ctrl+Enter">
          {session.previewing() ? 'Restart' : 'Preview'}
        </button>
        <Show
          when={session.exporting()}
          fallback={
            <button type="button" data-testid="export" onClick={() => void session.exportVideo()}>
              Export MP4
            </button>
          }
        >
          <button type="button" data-testid="cancel-export" onClick={() => session.cancelExport()}>
            Cancel export
          </button>
          <span data-testid="export-progress">{session.exportProgress()}</span>
        </Show>
        <label title="where models run: auto picks WebGPU on a real GPU, wasm otherwise (the page reloads)">
          provider{' '}
          <select
            data-testid="provider"
            value={new URLSearchParams(location.search).get('provider') ?? 'auto'}
            onChange={(e) => {
              const url = new URL(location.href);
              if (e.currentTarget.value === 'auto') url.searchParams.delete('provider');
              else url.searchParams.set('provider', e.currentTarget.value);
              location.href = url.href;
            }}
          >
            <option value="auto">auto</option>
            <option value="webgpu">WebGPU</option>
            <option value="wasm">wasm</option>
          </select>
        </label>
        <label title="export only the frames the preview covers">
          <input type="checkbox" checked={session.exportPreviewRange()} onChange={(e) => session.setExportPreviewRange(e.currentTarget.checked)} data-testid="export-range" /> preview range only
        </label>
        <button type="button" data-testid="copy-command" onClick={() => session.copyCommand()}>
          Copy CLI command
        </button>
      </header>
      <main class="panes">
        <Palette registry={registry} onAdd={(type) => canvas?.add(type)} />
        <GraphCanvas store={store} registry={registry} notify={session.setMessage} ref={(handle) => (canvas = handle)} />
        <section class="right">
          <Viewer ref={(handle) => (viewer = handle)} preference={host.executionProvider === 'webgpu' ? 'webgpu' : 'webgl'} />
          <div class="scrub">
            <input type="range" min="0" max={Math.max(0, session.framesReady() - 1)} value={session.shownFrame()} onInput={(e) => void session.scrub(Number(e.currentTarget.value))} data-testid="scrub" />
            <label title="drag to compare with the painting as it is">
              before|after <input type="range" min="0" max="100" value={split() * 100} onInput={(e) => { setSplit(Number(e.currentTarget.value) / 100); viewer?.setSplit(split()); }} data-testid="split" />
            </label>
            <label title="the driver with its landmarks, in the corner">
              <input type="checkbox" checked={session.overlay()} onChange={(e) => session.setOverlay(e.currentTarget.checked)} data-testid="overlay" /> landmarks
            </label>
            <span data-testid="frame-label">
              frame {session.shownFrame()} · {session.progress().fps.toFixed(1)} fps · {host.executionProvider}
              <Show when={session.refreshMs() !== undefined}>
                {' '}· <span data-testid="refresh-ms">redrawn in {Math.round(session.refreshMs()!)} ms</span>
              </Show>
            </span>
          </div>
          <Show when={session.modelUses().length > 0}>
            <ul class="model-uses" data-testid="model-uses">
              <For each={session.modelUses()}>{(use) => <li>{describeModelUse(use)}</li>}</For>
            </ul>
          </Show>
          <Inspector store={store} registry={registry} addFile={session.addFile} />
        </section>
      </main>
      <footer class="status" data-testid="status">
        <span>{session.message()}</span>
        <Show when={session.command()}>
          <code data-testid="cli-command">{session.command()}</code>
        </Show>
        <Show when={session.shared()}>
          <input class="share-link" readonly value={session.shared()} data-testid="share-link" />
        </Show>
        <Show when={store.problems().length > 0}>
          <ul class="all-problems" data-testid="problems">
            <For each={store.problems()}>
              {(problem) => (
                <li data-node={problemNode(problem) ?? ''} onClick={() => store.select(problemNode(problem))}>
                  <code>{problem.path}</code> {problem.message}
                </li>
              )}
            </For>
          </ul>
        </Show>
      </footer>
    </div>
  );
}
