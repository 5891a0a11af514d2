import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { UsageError } from '../errors.ts';

export interface FfmpegBinaries {
  ffmpeg: string;
  ffprobe: string;
  /** Where they came from, for `vivify doctor`. */
  origin: 'environment' | 'PATH' | 'npm package';
}

let found: FfmpegBinaries | undefined;

/**
 * ffmpeg and ffprobe, in this order of preference: VIVIFY_FFMPEG / VIVIFY_FFPROBE, the ones on PATH (a current build
 * from the system), then the static builds inside the optional npm packages, so that `npm install` alone is enough.
 */
export function ffmpegBinaries(): FfmpegBinaries {
  if (found) return found;
  const fromEnvironment = process.env.VIVIFY_FFMPEG;
  if (fromEnvironment) {
    found = { ffmpeg: fromEnvironment, ffprobe: process.env.VIVIFY_FFPROBE ?? join(fromEnvironment, '..', 'ffprobe'), origin: 'environment' };
    return found;
  }
  const ffmpeg = onPath('ffmpeg');
  const ffprobe = onPath('ffprobe');
  if (ffmpeg && ffprobe) {
    found = { ffmpeg, ffprobe, origin: 'PATH' };
    return found;
  }
  const packaged = fromPackages();
  if (packaged) {
    found = { ...packaged, origin: 'npm package' };
    return found;
  }
  throw new UsageError(
    'ffmpeg not found: install it (apt install ffmpeg, brew install ffmpeg) or set VIVIFY_FFMPEG to its path',
  );
}

function onPath(name: string): string | undefined {
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (!folder) continue;
    const candidate = join(folder, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function fromPackages(): { ffmpeg: string; ffprobe: string } | undefined {
  const platform = `${process.platform}-${process.arch}`;
  const require = createRequire(import.meta.url);
  try {
    const ffmpegPackage = require.resolve(`@ffmpeg-installer/${platform}/package.json`);
    const ffprobePackage = require.resolve(`@ffprobe-installer/${platform}/package.json`);
    const suffix = process.platform === 'win32' ? '.exe' : '';
    return { ffmpeg: join(ffmpegPackage, '..', `ffmpeg${suffix}`), ffprobe: join(ffprobePackage, '..', `ffprobe${suffix}`) };
  } catch {
    return undefined;
  }
}

/** The first line of `ffmpeg -version`, such as "ffmpeg version 5.1.6-0+deb12u1". */
export function ffmpegVersion(binary: string): string {
  const text = execFileSync(binary, ['-hide_banner', '-version'], { encoding: 'utf8' });
  return text.split('\n')[0]?.replace(/ Copyright.*/, '') ?? 'unknown';
}
