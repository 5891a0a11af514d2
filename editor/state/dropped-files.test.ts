import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../nodes/index.ts';
import { loadGraph } from '../../runtime/graph/load.ts';
import { dropTarget, mediaKind } from './dropped-files.ts';

const registry = createRegistry();

describe('dropped files', () => {
  it('go to the node they land on, else to the graph input of their kind', async () => {
    const { document } = loadGraph(await readFile('presets/animate-painting.json', 'utf8'), registry);
    expect(mediaKind({ name: 'mona.JPG', type: '' })).toBe('image');
    expect(mediaKind({ name: 'talk.mov', type: 'video/quicktime' })).toBe('video');
    expect(mediaKind({ name: 'notes.txt', type: 'text/plain' })).toBeUndefined();
    expect(dropTarget(document!, registry, 'image', undefined)).toEqual({ nodeId: 'paint', param: 'path' });
    expect(dropTarget(document!, registry, 'video', 'f2f')).toEqual({ nodeId: 'drive', param: 'path' });
    expect(dropTarget(document!, registry, 'video', 'drive')).toEqual({ nodeId: 'drive', param: 'path' });
  });
});
