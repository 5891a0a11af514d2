import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeHost } from '../runtime/node/node-host.ts';
import { pearson } from '../runtime/eval/face-motion.ts';
import { analyseSpeech, analysisRate, type SpeechFrame } from '../runtime/speech/speech-analysis.ts';
import { speechStream } from '../runtime/speech/speech-stream.ts';
import { hasEspeak } from '../support/espeak.ts';

if (!hasEspeak) console.log('speech-stream: espeak-ng is not installed, so the streaming test is skipped (apt-get install espeak-ng)');

describe.skipIf(!hasEspeak)('the speech analysis as the sound comes (a microphone)', () => {
  it('makes each frame from the sound up to a little after it, close to what the whole recording gives', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'speech-stream-'));
    try {
      const wav = join(dir, 'speech.wav');
      execFileSync('espeak-ng', ['-w', wav, 'mama bought a big puppy. ... maybe, mom.']);
      const host = createNodeHost();
      const { samples } = await host.readAudio!(wav, { sampleRate: analysisRate });
      const visemeModel = await host.visemeModel!();
      const fps = 25;
      const frameCount = Math.floor((samples.length / analysisRate) * fps) - 5;
      const whole = analyseSpeech(samples, { fps, frameCount, offsetMs: 0, visemeModel });
      const stream = speechStream({ fps, offsetMs: 0, visemeModel });
      const live: SpeechFrame[] = [];
      let fed = 0;
      for (let k = 0; k < frameCount; k++) {
        // The sound comes in the worklet's blocks; a frame is made as soon as it is ready, never later.
        while (!stream.ready(k)) stream.push(samples.subarray(fed, (fed += 256)));
        live.push(stream.frame(k));
        // How far the frame's sound lies behind the newest heard: its half span, the lookahead, a pitch window, a block.
        expect(stream.heard() - k / fps).toBeLessThan(0.02 + 0.13 + (320 + 256) / analysisRate + 0.011);
      }
      const jaw = (frames: typeof whole) => frames.map((f) => f.jaw);
      const r = pearson(jaw(whole), jaw(live)) ?? 0;
      console.log(`speech-stream: jaw r = ${r.toFixed(3)} against the whole recording's over ${frameCount} frames`);
      expect(r).toBeGreaterThan(0.85);
      // The lips shut where the whole recording's do (m, b, p), and both open wide somewhere.
      const shut = whole.map((f, k) => (f.closed > 0.5 ? k : -1)).filter((k) => k >= 0);
      expect(shut.length).toBeGreaterThan(0);
      expect(shut.filter((k) => live[k]!.closed > 0.5 || live[k]!.jaw < 0.1).length / shut.length).toBeGreaterThan(0.7);
      expect(Math.max(...jaw(live))).toBeGreaterThan(0.4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
