/// <reference types="vite/client" />

/** The graph files in presets/, bundled into the editor at build time. */
const files = import.meta.glob<string>('../../presets/*.json', { query: '?raw', import: 'default', eager: true });

export const builtInPresets = Object.entries(files)
  .map(([path, text]) => {
    const name = path.replace(/^.*\//, '').replace(/\.json$/, '');
    let title = name;
    try {
      title = (JSON.parse(text) as { meta?: { title?: string } }).meta?.title ?? name;
    } catch {
      // A broken preset still lists under its file name; opening it shows the problem.
    }
    return { name, title, text };
  })
  .sort((a, b) => a.title.localeCompare(b.title));

/** What a first visit opens (no shared graph in the link): the graph a newcomer came for, ready for a painting and a video. */
export const defaultPreset = builtInPresets.find((preset) => preset.name === 'animate-painting')!;

/** The preset that drives the painting from the camera, for those without a driving video at hand. */
export const webcamPreset = builtInPresets.find((preset) => preset.name === 'animate-painting-webcam');

/** The preset that speaks the painting live from the microphone, for those without a recording at hand. */
export const microphonePreset = builtInPresets.find((preset) => preset.name === 'speak-painting-microphone');
