import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../nodes/index.ts';
import { loadGraph } from '../../runtime/graph/load.ts';
import { graphInputFiles } from './graph-inputs.ts';

const registry = createRegistry();

describe("the graph's file inputs", () => {
  it('lists the inputs that read a file, with the file chosen, and leaves out the output', async () => {
    const { document } = loadGraph(await readFile('presets/animate-painting.json', 'utf8'), registry);
    expect(graphInputFiles(document!, registry)).toEqual([
      { name: 'source', nodeId: 'paint', param: 'path', accept: 'image', file: '' },
      { name: 'driving', nodeId: 'drive', param: 'path', accept: 'video', file: '' },
    ]);
    const picked = { ...document!, nodes: { ...document!.nodes, paint: { ...document!.nodes.paint!, params: { path: 's9.jpg' } } } };
    expect(graphInputFiles(picked, registry)[0]!.file).toBe('s9.jpg');
    // An input naming a node that is not there (a hand-edited file) is no picker.
    expect(graphInputFiles({ ...document!, inputs: { source: 'gone.path' } }, registry)).toEqual([]);
  });
});
