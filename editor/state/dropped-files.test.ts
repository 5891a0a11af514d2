import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../nodes/index.ts';
import { loadGraph } from '../../runtime/graph/load.ts';
import { emptyGraph } from './graph-file.ts';
import { dropTarget, mediaKind, placeDroppedFile } from './dropped-files.ts';

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

  it('on a graph with no node to take them, make the painting and the driver nodes, named as graph inputs', async () => {
    const picture = placeDroppedFile(emptyGraph(), registry, 'image', undefined, 'mona.jpg')!;
    expect(picture).toMatchObject({ nodeId: 'paint', param: 'path' });
    expect(picture.document.nodes.paint).toEqual({ type: 'source-image', typeVersion: 1, params: { path: 'mona.jpg' }, ui: { pos: [40, 40] } });
    expect(picture.document.inputs).toEqual({ source: 'paint.path' });
    const video = placeDroppedFile(picture.document, registry, 'video', undefined, 'talk.mp4')!;
    expect(video.document.nodes.drive).toMatchObject({ type: 'driving-video', params: { path: 'talk.mp4' } });
    expect(video.document.inputs).toEqual({ source: 'paint.path', driving: 'drive.path' });
    // Clear of the painting's node.
    const [x, y] = video.document.nodes.drive!.ui!.pos!;
    expect(Math.abs(x - 40) >= 260 || Math.abs(y - 40) >= 200).toBe(true);
    // A second picture now has a taker: it replaces the first, with no new node.
    const again = placeDroppedFile(video.document, registry, 'image', undefined, 'other.png')!;
    expect([Object.keys(again.document.nodes), again.document.nodes.paint!.params.path]).toEqual([['paint', 'drive'], 'other.png']);

    const { document } = loadGraph(await readFile('presets/animate-painting.json', 'utf8'), registry);
    const onPreset = placeDroppedFile(document!, registry, 'video', 'f2f', 'talk.mp4')!;
    expect([onPreset.nodeId, Object.keys(onPreset.document.nodes).length, onPreset.document.nodes.drive!.params.path]).toEqual(['drive', 7, 'talk.mp4']);
    expect(placeDroppedFile(emptyGraph(), registry, 'any', undefined, 'x.bin')).toBeUndefined();
  });
});
