import { Application, BufferImageSource, Graphics, Sprite, Texture } from 'pixi.js';
import { onCleanup, onMount } from 'solid-js';
import type { RgbaImage } from '../../runtime/image.ts';

export interface ViewerHandle {
  show(frame: RgbaImage): void;
  /** The picture before (the painting as it is): shown left of the split line. */
  setBefore(image: RgbaImage | undefined): void;
  /** Where the split line is across the frame, 0 (left edge: all after) to 1 (right edge: all before). */
  setSplit(share: number): void;
  /** A small picture in the corner (the driver with its landmarks), or none. */
  setInset(image: RgbaImage | undefined): void;
  /** "webgpu" or "webgl": what pixi.js draws with. */
  renderer(): string | undefined;
}

/** Shows frames with pixi.js, fitted into its box, with a before/after split and an inset; on WebGPU where models run there. */
export function Viewer(props: { ref(handle: ViewerHandle): void; preference: 'webgpu' | 'webgl' }) {
  let host!: HTMLDivElement;
  const app = new Application();
  const after = new Sprite();
  const before = new Sprite();
  const beforeMask = new Graphics();
  const inset = new Sprite();
  let ready = false;
  let frame: RgbaImage | undefined;
  let beforeImage: RgbaImage | undefined;
  let insetImage: RgbaImage | undefined;
  let split = 0;

  const textureOf = (image: RgbaImage) =>
    new Texture({ source: new BufferImageSource({ resource: image.data, width: image.width, height: image.height, format: 'rgba8unorm', alphaMode: 'no-premultiply-alpha' }) });
  const replaceTexture = (sprite: Sprite, image: RgbaImage | undefined) => {
    const previous = sprite.texture;
    sprite.texture = image ? textureOf(image) : Texture.EMPTY;
    if (previous !== Texture.EMPTY) previous.destroy(true);
  };

  /** Fits `sprite` (of `width` x `height` pixels) into the box given, centred. */
  const fit = (sprite: Sprite, width: number, height: number, box: { x: number; y: number; width: number; height: number }) => {
    const scale = Math.min(box.width / width, box.height / height);
    sprite.scale.set(scale);
    sprite.position.set(box.x + (box.width - width * scale) / 2, box.y + (box.height - height * scale) / 2);
  };

  const draw = () => {
    if (!ready || !frame) return;
    const screen = { x: 0, y: 0, width: app.screen.width, height: app.screen.height };
    fit(after, frame.width, frame.height, screen);
    // The before picture takes the frame's place, so the two line up at the split.
    before.visible = Boolean(beforeImage) && split > 0;
    if (beforeImage) {
      fit(before, beforeImage.width, beforeImage.height, { x: after.x, y: after.y, width: frame.width * after.scale.x, height: frame.height * after.scale.y });
      const splitX = after.x + split * frame.width * after.scale.x;
      beforeMask.clear().rect(0, 0, splitX, screen.height).fill(0xffffff);
    }
    if (inset.texture !== Texture.EMPTY) {
      const width = screen.width * 0.28;
      fit(inset, inset.texture.width, inset.texture.height, { x: screen.width - width - 6, y: screen.height - width - 6, width, height: width });
    }
    app.render();
  };

  onMount(async () => {
    // Drawing follows new frames, not a ticker: an idle editor draws nothing.
    await app.init({ resizeTo: host, background: '#1b1b1f', autoStart: false, preference: props.preference, preserveDrawingBuffer: true });
    app.canvas.dataset.testid = 'viewer-canvas';
    host.appendChild(app.canvas);
    before.mask = beforeMask;
    app.stage.addChild(after, before, beforeMask, inset);
    ready = true;
    // Pictures given before pixi was ready.
    if (frame) replaceTexture(after, frame);
    replaceTexture(before, beforeImage);
    replaceTexture(inset, insetImage);
    draw();
  });
  onCleanup(() => app.destroy(true));

  props.ref({
    show(next) {
      frame = next;
      if (ready) replaceTexture(after, next);
      draw();
    },
    setBefore(image) {
      beforeImage = image;
      if (ready) replaceTexture(before, image);
      draw();
    },
    setSplit(share) {
      split = Math.min(1, Math.max(0, share));
      draw();
    },
    setInset(image) {
      insetImage = image;
      if (ready) replaceTexture(inset, image);
      draw();
    },
    renderer: () => (ready ? app.renderer.name : undefined),
  });
  return <div class="viewer" ref={host} />;
}
