import { resolve } from 'node:path';
import { createRegistry } from '../nodes/index.ts';
import { GraphError } from '../runtime/errors.ts';
import { runGraph } from '../runtime/executor.ts';
import { checkGraph } from '../runtime/graph/load.ts';
import { applyOverrides } from '../runtime/graph/overrides.ts';
import type { ProviderRequest } from '../runtime/node/execution-providers.ts';
import { readGraphFile } from '../runtime/node/graph-file.ts';
import { createNodeHost } from '../runtime/node/node-host.ts';
import { displayPath } from '../runtime/node/paths.ts';
import { jsonReporter, terminalReporter } from './progress-reporter.ts';
import { parseFrameRange, readRenderArguments } from '../runtime/graph/command-line.ts';
import { cancelOnSignal } from './cancel-on-signal.ts';
import { checkRenderOutputs } from './render-outputs.ts';

export interface RenderOptions {
  source?: string;
  driving?: string;
  output?: string;
  set: string[];
  frames?: string;
  provider: ProviderRequest;
  force?: boolean;
  /** Write the output paths the graph file names (without it, only paths the command line names are written). */
  graphOutputs?: boolean;
  json?: boolean;
  modelsDir?: string;
  /** Render on a BullMQ queue at this Redis URL (cli/queue), in chunks of `chunkFrames`. */
  queue?: string;
  chunkFrames?: number;
}

export async function renderCommand(_graph: string, options: RenderOptions, command: { args: string[] }): Promise<void> {
  // Every input a graph names is a flag (--style FILE): commander leaves those it does not know in command.args.
  const { graph: graphPath, inputs } = readRenderArguments(command.args);
  const registry = createRegistry();
  const reporter = options.json ? jsonReporter() : terminalReporter();
  // Which trained model a preset's default id stood for is a warning of the run, as the nodes' own are.
  const host = createNodeHost({ provider: options.provider, modelsDir: options.modelsDir, onModelNote: (message) => reporter.warning({ nodeId: '', message }) });
  const frames = parseFrameRange(options.frames);
  const loaded = await readGraphFile(graphPath, registry);
  if (options.source !== undefined) inputs.source = options.source;
  if (options.driving !== undefined) inputs.driving = options.driving;
  if (options.output !== undefined) inputs.output = options.output;
  // Paths typed on the command line are relative to the working folder.
  const withOverrides = applyOverrides(loaded, registry, { inputs, sets: options.set }, (path) => resolve(path));
  const { document, problems } = checkGraph(withOverrides, registry, { requireFiles: true });
  if (!document) throw new GraphError(displayPath(graphPath), problems);
  const named = new Set(options.set.map((assignment) => assignment.split('=')[0]!));
  for (const name of Object.keys(inputs)) {
    // An output given by its input's flag (-o FILE, or --<name> FILE for another input) is one the command line names.
    const target = document.inputs[name]!;
    const [id = '', param = ''] = target.split('.');
    const spec = registry.get(document.nodes[id]!.type)!.params[param];
    if (spec?.kind === 'file' && spec.role === 'output') named.add(target);
  }
  const outputs = await checkRenderOutputs(resolve(graphPath), document, registry, named, Boolean(options.graphOutputs));
  if (options.queue !== undefined) {
    const { renderOnQueue } = await import('./queue/queue-render.ts');
    await renderOnQueue({ url: options.queue, document, registry, outputs, frames, chunkFrames: options.chunkFrames, force: Boolean(options.force), json: Boolean(options.json) });
    return;
  }

  try {
    const summary = await cancelOnSignal((signal) =>
      runGraph(document, {
        registry,
        host,
        signal,
        settings: { overwrite: Boolean(options.force), frames },
        onProgress: (progress) => reporter.progress(progress),
        onWarning: (warning) => reporter.warning(warning),
      }),
    );
    reporter.done(summary, outputs.map(displayPath).join(', ') || undefined);
  } finally {
    reporter.stop();
  }
}
