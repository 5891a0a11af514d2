import { createRegistry } from '../nodes/index.ts';
import { GraphError } from '../runtime/errors.ts';
import { optionFor } from '../runtime/graph/command-line.ts';
import { readGraphFile } from '../runtime/node/graph-file.ts';
import { displayPath } from '../runtime/node/paths.ts';

export async function validateCommand(graphPath: string, options: { json?: boolean }): Promise<void> {
  try {
    const document = await readGraphFile(graphPath, createRegistry());
    const open = Object.keys(document.inputs).map(optionFor);
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ valid: true, problems: [], inputs: document.inputs })}\n`);
      return;
    }
    const counts = `${Object.keys(document.nodes).length} nodes, ${document.edges.length} edges`;
    process.stdout.write(`${displayPath(graphPath)}: valid (${counts})${open.length > 0 ? `; set at render time: ${open.join(', ')}` : ''}\n`);
  } catch (error) {
    if (options.json && error instanceof GraphError) {
      process.stdout.write(`${JSON.stringify({ valid: false, problems: error.problems })}\n`);
    }
    throw error;
  }
}
