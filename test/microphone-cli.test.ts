import { describe, expect, it } from 'vitest';
import { hasSharedMedia, listFiles, makeTempDir, runCli, sharedMedia } from '../support/cli.ts';

describe('the microphone preset on the command line', () => {
  it('is valid', async () => {
    expect((await runCli(['validate', 'presets/speak-painting-microphone.json'])).code).toBe(0);
  });

  it.skipIf(!hasSharedMedia)('says in one line that the microphone needs the editor, writing nothing', async () => {
    const dir = await makeTempDir();
    try {
      const result = await runCli(['render', 'presets/speak-painting-microphone.json', '--source', sharedMedia('source/s9.jpg'), '-o', `${dir.path}/out.mp4`]);
      expect(result.stderr).toBe('vivify: node "mic": the microphone node runs in the editor, where the browser has a microphone; here, use an audio input with a recording\n');
      expect(result.code).toBe(2);
      expect(await listFiles(dir.path)).toEqual([]);
    } finally {
      await dir.remove();
    }
  });
});
