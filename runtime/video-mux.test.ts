import { describe, expect, it } from 'vitest';
import { graphMetadata, muxArguments } from './video-mux.ts';

describe('video-mux', () => {
  it('escapes what ffmetadata gives a meaning, so the graph comes back as written', () => {
    expect(graphMetadata('{"a":"x=1;#\\\\\n"}')).toBe(';FFMETADATA1\ncomment={"a":"x\\=1\\;\\#\\\\\\\\\\\n"}\n');
  });

  it('takes the metadata from the input after the audio, and maps the audio only where there is one', () => {
    const base = { videoInput: ['-i', 'v'], metadataFile: 'm', videoCodec: ['-c:v', 'copy'], output: 'o.mp4' };
    const silent = muxArguments(base);
    expect(silent.join(' ')).toBe('-i v -f ffmetadata -i m -map 0:v:0 -map_metadata 1 -c:v copy -movflags +faststart -f mp4 o.mp4');
    const spoken = muxArguments({ ...base, audio: { file: 'a.mp4', start: 1.5, duration: 2, streamIndex: 3 } });
    expect(spoken.join(' ')).toBe(
      '-i v -ss 1.500000 -t 2.000000 -i a.mp4 -f ffmetadata -i m -map 0:v:0 -map 1:3 -c:a aac -b:a 192k -map_metadata 2 -c:v copy -movflags +faststart -f mp4 o.mp4',
    );
  });
});
