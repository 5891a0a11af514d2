import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../nodes/index.ts';
import { openGraphText, problemNode } from './graph-file.ts';

const registry = createRegistry();

describe('opening graph files in the editor', () => {
  it('opens a preset with no problems', async () => {
    const opened = openGraphText(await readFile('presets/animate-painting.json', 'utf8'), registry);
    expect(opened.problems).toEqual([]);
    expect(Object.keys(opened.document.nodes)).toHaveLength(7);
  });

  it('opens a graph with a wrong parameter type, never blank, with the problem on its node', async () => {
    const text = (await readFile('presets/animate-painting.json', 'utf8')).replace('"smoothing": false', '"smoothing": "yes"');
    const opened = openGraphText(text, registry);
    expect(Object.keys(opened.document.nodes)).toHaveLength(7);
    expect(opened.document.edges.length).toBeGreaterThan(0);
    expect(opened.problems.map((problem) => [problemNode(problem), problem.path])).toEqual([['driveFace', 'nodes.driveFace.params.smoothing']]);
  });

  it('opens a graph with an unknown node type, listing it', async () => {
    const text = (await readFile('presets/animate-painting.json', 'utf8')).replace('"type": "blend"', '"type": "blender"');
    const opened = openGraphText(text, registry);
    expect(opened.document.nodes.blend?.type).toBe('blender');
    expect(opened.problems[0]?.message).toMatch(/unknown node type "blender"/);
  });

  it('names the node of a problem path, quoted ids included', () => {
    expect(problemNode({ path: 'nodes.f2f.params.expression', message: '' })).toBe('f2f');
    expect(problemNode({ path: 'nodes["my node"].type', message: '' })).toBe('my node');
    expect(problemNode({ path: 'edges[2]', message: '' })).toBeUndefined();
  });
});
