import { existsSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClip, makeTempDir, probeFile, runCli } from '../support/cli.ts';

const packaged = join('node_modules', '@ffmpeg-installer', `${process.platform}-${process.arch}`, 'ffmpeg');

// Where no ffmpeg is on PATH, the static build inside the optional npm package must do the work.
describe.skipIf(!existsSync(packaged))('ffmpeg from the npm package', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let clip: string;
  beforeAll(async () => {
    dir = await makeTempDir();
    clip = await makeClip(join(dir.path, 'clip.mp4'), { frames: 12 });
  });
  afterAll(() => dir.remove());

  it('is found without PATH and renders with audio', async () => {
    // A PATH that holds node alone: no system ffmpeg to find.
    const bin = join(dir.path, 'bin');
    await mkdir(bin);
    await symlink(process.execPath, join(bin, 'node'));
    const env = { ...process.env, PATH: bin };
    const doctor = await runCli(['doctor'], { env });
    expect(doctor.stdout).toMatch(/ffmpeg .*@ffmpeg-installer.* \(from npm package\)/);
    const out = join(dir.path, 'out.mp4');
    const result = await runCli(['render', 'presets/passthrough.json', '--driving', clip, '-o', out], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await probeFile(out)).toMatchObject({ videoFrames: 12, audio: true });
  });
});
