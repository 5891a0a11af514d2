import type { GraphEdge } from './document.ts';

/**
 * Orders node ids so every node comes after the nodes that feed it (Kahn's algorithm, ties in document order).
 * Where edges form a cycle, `cycle` lists one loop of ids, first id repeated at the end.
 */
export function topologicalOrder(ids: readonly string[], edges: readonly GraphEdge[]): { order: string[]; cycle?: string[] } {
  const known = new Set(ids);
  const successors = new Map<string, string[]>(ids.map((id) => [id, []]));
  const indegree = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const { from, to } of edges) {
    if (!known.has(from[0]) || !known.has(to[0])) continue;
    successors.get(from[0])!.push(to[0]);
    indegree.set(to[0], indegree.get(to[0])! + 1);
  }
  const ready = ids.filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(id);
    for (const next of successors.get(id)!) {
      const remaining = indegree.get(next)! - 1;
      indegree.set(next, remaining);
      if (remaining === 0) ready.push(next);
    }
  }
  if (order.length === ids.length) return { order };
  return { order, cycle: findCycle(ids.filter((id) => indegree.get(id)! > 0), successors) };
}

function findCycle(candidates: string[], successors: Map<string, string[]>): string[] {
  // Each left-over node still has a left-over predecessor (that is why its in-degree stayed above 0), so walking
  // backwards along left-over predecessors must come back to a node already seen: that loop is a cycle.
  const left = new Set(candidates);
  const predecessors = new Map<string, string[]>(candidates.map((id) => [id, []]));
  for (const id of candidates) {
    for (const next of successors.get(id)!) if (left.has(next)) predecessors.get(next)!.push(id);
  }
  const path: string[] = [];
  const position = new Map<string, number>();
  let current = candidates[0]!;
  while (!position.has(current)) {
    position.set(current, path.length);
    path.push(current);
    current = predecessors.get(current)![0]!;
  }
  const loop = path.slice(position.get(current)).reverse();
  // Start from the node that comes first in the document, so the message reads in the author's order.
  const first = loop.indexOf(candidates.find((id) => loop.includes(id))!);
  const rotated = [...loop.slice(first), ...loop.slice(0, first)];
  return [...rotated, rotated[0]!];
}
