import type { Problem } from '../../runtime/errors.ts';
import { problemNode } from '../state/graph-file.ts';

/**
 * Why a run may not start: a graph with problems would only fail part way (or worse, on an internal error), so
 * preview and export refuse it and name the first problem and its node.
 */
export function runRefusal(action: 'preview' | 'export', problems: readonly Problem[]): { text: string; nodeId?: string } | undefined {
  const first = problems[0];
  if (!first) return undefined;
  const nodeId = problemNode(first);
  // "nodes.f2f.params.expression" → "expression"; the node is named on its own.
  const where = nodeId ? first.path.replace(/^nodes(\.[^.[]+|\["(?:[^"\\]|\\.)*"\])\.?/, '').replace(/^params\./, '') : first.path;
  const subject = nodeId ? `node "${nodeId}"${where ? ` (${where})` : ''}` : where || 'the graph';
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''} listed)` : '';
  return { text: `cannot ${action}: ${subject}: ${first.message}${more}; fix the graph first`, ...(nodeId ? { nodeId } : {}) };
}
