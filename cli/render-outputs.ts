import { realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../runtime/errors.ts';
import { graphSidecarPath } from '../runtime/host.ts';
import type { GraphDocument } from '../runtime/graph/document.ts';
import { inputFlag } from '../runtime/graph/command-line.ts';
import type { NodeRegistry } from '../runtime/registry.ts';
import { displayPath } from '../runtime/node/paths.ts';

/** One file parameter of a graph that holds a path. */
interface FileParam {
  /** "node.param", as `--set` and the graph's inputs name it. */
  target: string;
  path: string;
}

function fileParams(document: GraphDocument, registry: NodeRegistry, role: 'input' | 'output'): FileParam[] {
  return Object.entries(document.nodes).flatMap(([id, node]) =>
    Object.entries(registry.get(node.type)?.params ?? {}).flatMap(([name, spec]) => {
      const value = node.params[name];
      return spec.kind === 'file' && spec.role === role && typeof value === 'string' && value !== '' ? [{ target: `${id}.${name}`, path: value }] : [];
    }),
  );
}

/** The path a file at `path` is or would be, links followed, so that two names of one file compare equal. */
async function realPathOf(path: string): Promise<string> {
  return realpath(path).catch(async () => join(await realpath(dirname(path)).catch(() => dirname(path)), basename(path)));
}

/**
 * Checks what a render will write before anything runs, and returns the paths:
 * - every output is one the command line named (`-o`, or `--set node.path=FILE`: `named` holds those targets), or,
 *   with `graphOutputs`, one the graph file names and the user confirmed;
 * - no output, nor the graph file written beside it, is one of the render's inputs (the graph file included), whatever
 *   the links or relative names: a render would read a file while replacing it.
 */
export async function checkRenderOutputs(
  graphPath: string,
  document: GraphDocument,
  registry: NodeRegistry,
  named: ReadonlySet<string>,
  graphOutputs: boolean,
): Promise<string[]> {
  const outputs = fileParams(document, registry, 'output');
  const namedOutputs = outputs.filter((output) => named.has(output.target)).length;
  for (const output of outputs) {
    if (named.has(output.target) || graphOutputs) continue;
    const input = Object.entries(document.inputs).find(([, target]) => target === output.target)?.[0];
    const how = input ? `${inputFlag(input)} FILE` : `--set ${output.target}=FILE`;
    const nodeId = output.target.split('.')[0];
    throw new UsageError(
      namedOutputs > 0
        ? `${displayPath(graphPath)}: node "${nodeId}" would also write ${displayPath(output.path)}, which the command line did not name; name it with ${how}, or remove the node`
        : `${displayPath(graphPath)}: would write ${displayPath(output.path)} (node "${nodeId}"), a path from the graph rather than the command line; name the output with ${how}, or pass --graph-outputs to write where the graph says`,
    );
  }
  const inputs = [{ target: 'the graph', path: graphPath }, ...fileParams(document, registry, 'input')];
  const inputPaths = await Promise.all(inputs.map(async (input) => ({ ...input, real: await realPathOf(input.path) })));
  for (const output of outputs) {
    for (const written of [output.path, graphSidecarPath(output.path)]) {
      const real = await realPathOf(written);
      const input = inputPaths.find((candidate) => candidate.real === real);
      if (!input) continue;
      const what = input.target === 'the graph' ? 'the graph file' : `the input ${input.target}`;
      throw new UsageError(`${displayPath(written)}: is ${what} (${displayPath(input.path)}); an output never replaces an input, so choose another name`);
    }
  }
  return outputs.map((output) => output.path);
}
