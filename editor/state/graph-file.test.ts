import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../nodes/index.ts';
import { type OpenedGraph, openedMessage, openGraphText, problemNode } from './graph-file.ts';

const registry = createRegistry();

/** Opens text that must open (as a graph, problems or not). */
function openGraph(text: string): OpenedGraph {
  const opened = openGraphText(text, registry);
  if (opened.document === undefined) throw new Error(`not opened: ${opened.problem.message}`);
  return opened;
}

describe('opening graph files in the editor', () => {
  it('opens a preset with no problems', async () => {
    const opened = openGraph(await readFile('presets/animate-painting.json', 'utf8'));
    expect(opened.problems).toEqual([]);
    expect(Object.keys(opened.document.nodes)).toHaveLength(7);
  });

  it('opens a graph with a wrong parameter type, never blank, with the problem on its node', async () => {
    const text = (await readFile('presets/animate-painting.json', 'utf8')).replace('"smoothing": false', '"smoothing": "yes"');
    const opened = openGraph(text);
    expect(Object.keys(opened.document.nodes)).toHaveLength(7);
    expect(opened.document.edges.length).toBeGreaterThan(0);
    expect(opened.problems.map((problem) => [problemNode(problem), problem.path])).toEqual([['driveFace', 'nodes.driveFace.params.smoothing']]);
  });

  it('opens a graph with an unknown node type, listing it', async () => {
    const text = (await readFile('presets/animate-painting.json', 'utf8')).replace('"type": "blend"', '"type": "blender"');
    const opened = openGraph(text);
    expect(opened.document.nodes.blend?.type).toBe('blender');
    expect(opened.problems[0]?.message).toMatch(/unknown node type "blender"/);
  });

  it('opens nothing of a file that is no graph, saying why in one sentence naming the file', async () => {
    const preset = await readFile('presets/animate-painting.json', 'utf8');
    const cases: [string, RegExp][] = [
      [preset.slice(0, 200), /^not valid JSON: .* at line \d+, column \d+$/],
      ['', /^not valid JSON/],
      ['[1, 2]', /a graph document is a JSON object/],
      ['{ "hello": 1 }', /not a Vivify graph/],
      [preset.replace('"version": 1', '"version": 9'), /newer Vivify/],
    ];
    for (const [text, reason] of cases) {
      const opened = openGraphText(text, registry);
      expect(opened.document).toBeUndefined();
      if (opened.document === undefined) expect(opened.problem.message).toMatch(reason);
    }
    const refused = openGraphText('{ "nodes": ', registry);
    expect(refused.document === undefined && openedMessage('mine.json', { opened: false, problem: refused.problem })).toMatch(
      /^mine\.json was not opened: not valid JSON: .*; the graph shown is unchanged$/,
    );
    expect(openedMessage('mine.json', { opened: true, problems: [] })).toBe('opened mine.json');
  });

  it('names the node of a problem path, quoted ids included', () => {
    expect(problemNode({ path: 'nodes.f2f.params.expression', message: '' })).toBe('f2f');
    expect(problemNode({ path: 'nodes["my node"].type', message: '' })).toBe('my node');
    expect(problemNode({ path: 'edges[2]', message: '' })).toBeUndefined();
  });
});
