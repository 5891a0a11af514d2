import { type RunProgress, type RunSummary, runGraph } from '../../runtime/executor.ts';
import type { GraphDocument } from '../../runtime/graph/document.ts';
import type { Host } from '../../runtime/host.ts';
import type { NodeRegistry } from '../../runtime/registry.ts';
import type { ResultCache } from '../../runtime/result-cache.ts';
import { titleStem } from '../state/graph-file.ts';
import { formatFrameRange, inputFlag } from '../../runtime/graph/command-line.ts';

export interface ExportOptions {
  registry: NodeRegistry;
  host: Host;
  cache: ResultCache;
  /** The frames to export; all of them where `end` is left out. */
  frames: { start: number; end?: number };
  signal: AbortSignal;
  onProgress(progress: RunProgress): void;
  onNodeWork?(nodeId: string, working: boolean): void;
}

/** Output nodes the export writes, with the file name each gets in the page (the graph's own, or one from its title). */
export function exportTargets(document: GraphDocument, registry: NodeRegistry): { nodeId: string; name: string }[] {
  const base = titleStem(document.meta.title, 'vivify');
  return Object.entries(document.nodes)
    .filter(([, node]) => registry.get(node.type)?.category === 'output')
    .map(([nodeId, node], index) => {
      const path = typeof node.params.path === 'string' ? node.params.path.replace(/^.*[\\/]/, '') : '';
      return { nodeId, name: path || `${base}${index === 0 ? '' : `-${index + 1}`}.mp4` };
    });
}

/**
 * Renders the whole graph in the page, as `vivify render` does: the same executor and nodes, with ffmpeg.wasm writing
 * the MP4 (and the driver's audio) into the editor's files. Returns the run's summary and the files it made.
 */
export async function runExport(document: GraphDocument, options: ExportOptions): Promise<{ summary: RunSummary; files: string[] }> {
  const targets = exportTargets(document, options.registry);
  if (targets.length === 0) throw new Error('nothing to export: the graph has no output node');
  const nodes = { ...document.nodes };
  for (const { nodeId, name } of targets) nodes[nodeId] = { ...nodes[nodeId]!, params: { ...nodes[nodeId]!.params, path: name } };
  const summary = await runGraph(
    { ...document, nodes },
    {
      registry: options.registry,
      host: options.host,
      cache: options.cache,
      signal: options.signal,
      // A new export replaces the previous one of the same name: the editor keeps no history of files.
      settings: { frames: options.frames, overwrite: true },
      onProgress: options.onProgress,
      onNodeWork: options.onNodeWork,
    },
  );
  return { summary, files: targets.map((target) => target.name) };
}

/** The `vivify render` line that renders the same graph from the command line, with the files the editor was given. */
export function cliCommand(document: GraphDocument, registry: NodeRegistry, graphFile: string, frames?: { start: number; end?: number }): string {
  const quote = (text: string) => (/^[\w./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);
  const parts = ['npx', 'vivify', 'render', quote(graphFile)];
  const exportNames = new Map(exportTargets(document, registry).map((target) => [target.nodeId, target.name]));
  for (const [name, target] of Object.entries(document.inputs)) {
    const [nodeId, param] = target.split('.') as [string, string];
    // An output left empty gets the name the editor's export gives it.
    const value = document.nodes[nodeId]?.params[param] || (param === 'path' ? exportNames.get(nodeId) : undefined);
    if (typeof value !== 'string' || value === '') continue;
    parts.push(inputFlag(name), quote(value));
  }
  const range = formatFrameRange(frames);
  if (range) parts.push('--frames', range);
  return parts.join(' ');
}
