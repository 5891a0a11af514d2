import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, runCli, watchedCli } from '../support/cli.ts';

let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(() => dir.remove());

describe('vivify validate', () => {
  it('accepts a preset and names what must be set at render time', async () => {
    const result = await runCli(['validate', 'presets/passthrough.json']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe('presets/passthrough.json: valid (2 nodes, 2 edges); set at render time: --driving FILE, -o FILE\n');
  });

  it('prints all five mistakes of a document with their paths and exits 2', async () => {
    const path = join(dir.path, 'five-mistakes.json');
    // Written as text: the fifth mistake, a node id used twice, cannot be expressed as a JavaScript object.
    await writeFile(
      path,
      `{
  "format": "vivify.graph", "version": 1,
  "nodes": {
    "drive": { "type": "driving-video", "typeVersion": 1, "params": { "path": "talk.mp4" } },
    "paint": { "type": "source-image", "typeVersion": 1, "params": { "path": "mona.jpg" } },
    "face": { "type": "face-mesh", "typeVersion": 1, "params": {} },
    "out": { "type": "video-output", "typeVersion": 1, "params": { "crf": 60, "bitrate": "5M" } },
    "paint": { "type": "source-image", "typeVersion": 1, "params": { "path": "lisa.jpg" } }
  },
  "edges": [
    { "from": ["paint", "image"], "to": ["out", "frames"] },
    { "from": ["drive", "audio"], "to": ["out", "audio"] }
  ]
}`,
    );
    const result = await runCli(['validate', path]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n').slice(1, -1)).toEqual([
      '  nodes: duplicate node id "paint": each must appear once',
      '  nodes.face.type: unknown node type "face-mesh": known types: audio-input, blend, cyclegan, deepfakes, driving-video, face-landmarks, face2face, landmark-overlay, microphone, pix2pix-face, reenact, source-image, speech-motion, video-output, webcam',
      '  nodes.out.params.crf: 60 is out of range: allowed 0 to 51 (integer 0 to 51, default 18)',
      '  nodes.out.params.bitrate: video-output has no parameter "bitrate" (it has path, crf, preset, audio, maxSize)',
      '  edges[0]: cannot connect paint.image (image) to out.frames (frame): the types differ',
    ]);
    expect(result.stderr.split('\n')[0]).toMatch(/five-mistakes\.json: 5 problems:$/);
    const json = await runCli(['validate', path, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: false, problems: expect.arrayContaining([{ path: 'edges[0]', message: expect.any(String) }]) });
  });
});

describe('vivify nodes', () => {
  it('lists every node type from the registry, as text and as JSON', async () => {
    const text = await runCli(['nodes']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^source\n {2}audio-input \(v1\): Audio input\./);
    expect(text.stdout).toMatch(/\n {2}driving-video \(v1\): Driving video\./);
    expect(text.stdout).toContain('    crf: integer 0 to 51, default 18.');
    const json = JSON.parse((await runCli(['nodes', '--json'])).stdout) as { type: string; params: Record<string, unknown> }[];
    expect(json.map((n) => n.type)).toEqual(['audio-input', 'driving-video', 'microphone', 'source-image', 'webcam', 'face-landmarks', 'speech-motion', 'cyclegan', 'deepfakes', 'face2face', 'pix2pix-face', 'reenact', 'blend', 'landmark-overlay', 'video-output']);
    expect(json.find((n) => n.type === 'video-output')?.params.crf).toMatchObject({ kind: 'number', min: 0, max: 51, default: 18 });
  });

  it('ends quietly when its reader stops early (vivify nodes | head)', async () => {
    const run = watchedCli(['nodes']);
    // Closed before the CLI has started, so everything it prints meets a closed pipe.
    run.child.stdout?.destroy();
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toBe('');
  });
});

describe('vivify doctor', () => {
  it('reports ffmpeg, the execution providers, the GPU and the models folder', async () => {
    const result = await runCli(['doctor'], { env: { ...process.env, VIVIFY_MODELS_DIR: dir.path } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ok {3}ffmpeg .*ffmpeg version /m);
    expect(result.stdout).toMatch(/^ok {3}onnxruntime .*onnxruntime-node 1\.30\.0: cpu/m);
    // WebGPU is bundled: the line says it is usable, or why not (here: no Vulkan driver, or Debian's too-old lavapipe).
    expect(result.stdout).toMatch(/^ok {3}onnxruntime .*(webgpu|WebGPU unavailable: (no Vulkan driver|Dawn found no WebGPU adapter))/m);
    expect(result.stdout).toMatch(/^ok {3}GPU /m);
    expect(result.stdout).toContain(`${dir.path} (VIVIFY_MODELS_DIR)`);
    expect(result.stdout).toMatch(/^ok {3}landmarker +not built yet: built from @mediapipe\/face_mesh@[\d.]+\+builder\d+ on first use, no download$/m);
  });

  it('fails clearly where no ffmpeg can be found', async () => {
    const result = await runCli(['doctor', '--json'], { env: { ...process.env, VIVIFY_FFMPEG: join(dir.path, 'no-ffmpeg') } });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).ok).toBe(false);
  });
});

describe('vivify --help', () => {
  it('has help for every command and exits 0; unknown commands exit 2', async () => {
    for (const command of ['render', 'validate', 'nodes', 'doctor']) {
      const result = await runCli([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: vivify ${command}`));
    }
    const unknown = await runCli(['rendr']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'rendr'.*\n.*Did you mean render\?/s);
  });
});
