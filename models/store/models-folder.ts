import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where pulled and imported models live: VIVIFY_MODELS_DIR, else the platform's cache folder. */
export function modelsFolder(): { path: string; origin: string } {
  if (process.env.VIVIFY_MODELS_DIR) return { path: process.env.VIVIFY_MODELS_DIR, origin: 'VIVIFY_MODELS_DIR' };
  const cache =
    process.env.XDG_CACHE_HOME ||
    (process.platform === 'darwin'
      ? join(homedir(), 'Library', 'Caches')
      : process.platform === 'win32'
        ? (process.env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'))
        : join(homedir(), '.cache'));
  return { path: join(cache, 'vivify', 'models'), origin: 'the default; set VIVIFY_MODELS_DIR to change it' };
}
