import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/*
 * README's "How the code is laid out", made from the tree: every folder has one line here, and the section is
 * rebuilt from the folders that exist, so a folder added, moved or removed without its line fails the docs test.
 */

/** What each folder holds, in the order the section lists them (top to bottom of the layers, then the rest). */
export const folderRoles: readonly (readonly [string, string])[] = [
  ['runtime', 'the core, the same in every host: node definitions, port types, the executor, the result cache, the Host interface, face topology, image helpers, the MP4 mux recipe'],
  ['runtime/engine', 'the executor in phases: plan, once-per-run nodes, the stream (sources, scan, frames in flight), one frame evaluation'],
  ['runtime/graph', 'the graph document: schema, loading with migrations and validation, order, command-line overrides'],
  ['runtime/landmarks', 'landmark streams: One Euro filter, face choice, gap filling, MediaPipe options'],
  ['runtime/geometry', 'affine and 3-D similarity fits, rotations, triangles'],
  ['runtime/warp', 'the mesh warp: triangle spans, depth order, fold guard'],
  ['runtime/compose', 'painting over the warp: masks, gaps, eyelids, mouth interior, gaze, colour'],
  ['runtime/face2face', 'Face2Face: expression transfer, the warp mesh and its rings, the reference face'],
  ['runtime/reenact', "LivePortrait-class reenactment: crops, kinematics, retargeting"],
  ['runtime/align', 'face alignment for DeepFakes: crops on the mean face, sharpness'],
  ['runtime/style', 'CycleGAN styling: the face region and tiling'],
  ['runtime/speech', 'speech to a driver face: HeadAudio visemes, loudness and pitch per frame, blinks and head motion, the speaking face'],
  ['runtime/onnx', 'model sessions over any onnxruntime, graph rewrites'],
  ['runtime/eval', "what `vivify eval` measures: face motion, picture damage, pixel fidelity"],
  ['runtime/draw', 'anti-aliased drawing and the landmark overlay'],
  ['runtime/node', 'the Node host: ffmpeg processes, sharp, MediaPipe Tasks under Node, onnxruntime-node providers'],
  ['runtime/browser', "the browser host: the user's files, ffmpeg.wasm in chunks, MediaPipe's wasm landmarker, the camera"],
  ['nodes', 'one file per node type (its definition and its work) and the index that registers them all'],
  ['models', 'the model lifecycle: catalog (catalog.json, signature checks), CPU sessions that check exports'],
  ['models/store', 'the store behind `vivify models`: pull, import, verify, lock file, where models live'],
  ['models/convert', 'converters of published checkpoints to ONNX (CycleGAN)'],
  ['models/train', 'the trainers (PyTorch scripts) and the runner that starts them and checks their exports'],
  ['models/face-landmarker', "the MediaPipe landmarker bundle, built from npm-shipped models"],
  ['models/mean-face', 'the mean face DeepFakes crops align to, and how it was derived'],
  ['cli', 'the command-line app: program, commands, reporters; composes the registry with the Node host (cli/queue: BullMQ workers and queued renders)'],
  ['bin', 'the `vivify` executable'],
  ['editor', 'the browser editor (Solid, litegraph, pixi.js): the app and its styles'],
  ['editor/session', 'the headless editor session: preview, refresh, export and share, driven by the app or by tests'],
  ['editor/graph', 'the graph document to litegraph and back'],
  ['editor/state', 'the document, undo, recent graphs, share links, dropped files'],
  ['editor/preview', 'preview runs through the same executor'],
  ['editor/export', 'export runs through the same executor'],
  ['editor/runner', 'where runs happen: a Web Worker with its own browser host (the page only shows frames), or in-thread for tests'],
  ['editor/ui', 'the panels: palette, inspector, viewer'],
  ['editor/server', "the dev server's plugins: assets, the model store"],
  ['presets', 'graph documents to start from'],
  ['docs', 'guides longer than a README section: scaling out on a Redis job queue'],
  ['types', 'the web platform the core may assume: tsconfig.core.json compiles runtime/ and nodes/ against it alone'],
  ['tools', "maintainers' scripts: the package build (npm run build), the mean face's derivation"],
  ['test', 'integration tests on real media with the real CLI and ffmpeg; unit tests sit next to their code'],
  ['test/browser', 'browser tests in headless Chromium'],
  ['test/support', 'what only tests use: the quality suite, the layer check, hand-made faces'],
  ['support', 'what tests and benchmarks share: running the CLI, stand-in models, Chromium'],
  ['bench', '`npm run bench`: prints a table and writes bench/results/*.json'],
];

/** Folders listed: the top level, and one level down in these. */
const expanded = new Set(['runtime', 'models', 'editor', 'test']);
/** Not source: dependencies, builds, results, and what tests write. */
const skipped = new Set(['node_modules', 'dist', 'results', 'output', 'coverage']);

/** The folders of the tree at `root` that the section describes: those holding files, by the rules above. */
export function sourceFolders(root: string): string[] {
  const folders: string[] = [];
  const walk = (relative: string, depth: number) => {
    for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.') || skipped.has(entry.name)) continue;
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (!hasFiles(join(root, path))) continue;
      folders.push(path);
      if (depth === 0 && expanded.has(entry.name)) walk(path, 1);
    }
  };
  walk('', 0);
  return folders.sort();
}

function hasFiles(folder: string): boolean {
  return readdirSync(folder, { withFileTypes: true }).some((entry) => entry.isFile() || (entry.isDirectory() && !skipped.has(entry.name) && hasFiles(join(folder, entry.name))));
}

/** The section's body: one line per folder, in the order of `folderRoles`; a folder without a line, or a line without its folder, is an error. */
export function layoutMarkdown(folders: readonly string[]): string {
  const described = new Set(folderRoles.map(([folder]) => folder));
  const undescribed = folders.filter((folder) => !described.has(folder));
  const missing = folderRoles.map(([folder]) => folder).filter((folder) => !folders.includes(folder));
  if (undescribed.length > 0 || missing.length > 0) {
    throw new Error(
      [undescribed.length > 0 ? `folders without a line in cli/layout-reference.ts: ${undescribed.join(', ')}` : '', missing.length > 0 ? `lines for folders that are not there: ${missing.join(', ')}` : '']
        .filter(Boolean)
        .join('; '),
    );
  }
  const width = Math.max(...folderRoles.map(([folder]) => folder.length)) + 2;
  return ['```', ...folderRoles.map(([folder, role]) => `${`${folder}/`.padEnd(width)}${role}`), '```', ''].join('\n');
}
