import { Application, BufferImageSource, Sprite, Texture } from 'pixi.js';
import { onCleanup, onMount } from 'solid-js';
import type { RgbaImage } from '../../runtime/image.ts';

export interface ViewerHandle {
  show(frame: RgbaImage): void;
  /** "webgpu" or "webgl": what pixi.js draws with. */
  renderer(): string | undefined;
}

/** Shows frames with pixi.js, fitted into its box; on WebGPU where the editor runs models there. */
export function Viewer(props: { ref(handle: ViewerHandle): void; preference: 'webgpu' | 'webgl' }) {
  let host!: HTMLDivElement;
  const app = new Application();
  const sprite = new Sprite();
  let ready = false;
  let pending: RgbaImage | undefined;

  const draw = (frame: RgbaImage) => {
    const previous = sprite.texture;
    const source = new BufferImageSource({ resource: frame.data, width: frame.width, height: frame.height, format: 'rgba8unorm', alphaMode: 'no-premultiply-alpha' });
    sprite.texture = new Texture({ source });
    if (previous !== Texture.EMPTY) previous.destroy(true);
    const scale = Math.min(app.screen.width / frame.width, app.screen.height / frame.height);
    sprite.scale.set(scale);
    sprite.position.set((app.screen.width - frame.width * scale) / 2, (app.screen.height - frame.height * scale) / 2);
    app.render();
  };

  onMount(async () => {
    // Rendering is driven by new frames, not by a ticker: an idle editor draws nothing.
    await app.init({ resizeTo: host, background: '#1b1b1f', autoStart: false, preference: props.preference, preserveDrawingBuffer: true });
    app.canvas.dataset.testid = 'viewer-canvas';
    host.appendChild(app.canvas);
    app.stage.addChild(sprite);
    ready = true;
    if (pending) draw(pending);
  });
  onCleanup(() => app.destroy(true));

  props.ref({
    show(frame) {
      if (ready) draw(frame);
      else pending = frame;
    },
    renderer: () => (ready ? app.renderer.name : undefined),
  });
  return <div class="viewer" ref={host} />;
}
