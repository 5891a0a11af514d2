/**
 * Just enough of a WebGL2 context for MediaPipe Tasks with the CPU delegate under Node. Every input image passes
 * through a texture even on the CPU path; the task uploads it with texImage2D and reads it back from a framebuffer with
 * readPixels. Textures here are CPU RGBA arrays; other GL calls (state, parameters) are accepted and do nothing.
 */
interface Texture {
  width: number;
  height: number;
  pixels: Uint8Array;
}

interface ImageLike {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

/** A canvas-like object whose `getContext('webgl2')` gives the CPU context; pass it as the task's `canvas`. */
export function createCpuCanvas(): object {
  const canvas = { width: 1, height: 1, getContext: () => context, addEventListener: () => undefined };
  const context = createCpuWebGl2(canvas);
  return canvas;
}

// What getParameter answers: the versions (MediaPipe parses them) and a texture size limit.
const parameters: Record<number, string | number> = {
  0x1f00: 'Vivify',
  0x1f01: 'CPU',
  0x1f02: 'WebGL 2.0',
  0x8b8c: 'WebGL GLSL ES 3.00',
  0x0d33: 16384,
};

function createCpuWebGl2(canvas: object): object {
  let boundTexture: Texture | undefined;
  let boundFramebuffer: { texture?: Texture } | undefined;
  const context = {
    canvas,
    // Emscripten keeps its pixel buffer bindings on the context; none are used on this path.
    currentPixelPackBufferBinding: null,
    currentPixelUnpackBufferBinding: null,
    TEXTURE_2D: 0x0de1,
    FRAMEBUFFER: 0x8d40,
    COLOR_ATTACHMENT0: 0x8ce0,
    RGBA: 0x1908,
    UNSIGNED_BYTE: 0x1401,
    createTexture: (): Texture => ({ width: 0, height: 0, pixels: new Uint8Array(0) }),
    bindTexture: (_target: number, texture: Texture | null) => {
      boundTexture = texture ?? undefined;
    },
    // texImage2D(target, level, internalformat, format, type, source) with an image-like source.
    texImage2D: (...args: unknown[]) => {
      const source = args.at(-1) as ImageLike | null;
      if (!boundTexture || !source || typeof source !== 'object' || !('data' in source)) return;
      boundTexture.width = source.width;
      boundTexture.height = source.height;
      // A view, not a copy: the task reads the picture back before the caller's frame can change.
      boundTexture.pixels = new Uint8Array(source.data.buffer, source.data.byteOffset, source.data.byteLength);
    },
    getError: () => 0,
    getExtension: () => null,
    getSupportedExtensions: () => [],
    getContextAttributes: () => ({ alpha: true, antialias: false, depth: false, premultipliedAlpha: false }),
    isContextLost: () => false,
    getParameter: (name: number) => parameters[name] ?? 0,
    createFramebuffer: () => ({}),
    bindFramebuffer: (_target: number, framebuffer: { texture?: Texture } | null) => {
      boundFramebuffer = framebuffer ?? undefined;
    },
    framebufferTexture2D: (_target: number, _attachment: number, _textarget: number, texture: Texture | null) => {
      if (boundFramebuffer) boundFramebuffer.texture = texture ?? undefined;
    },
    // WebGL2 form: readPixels(x, y, width, height, format, type, destination, destinationOffset).
    readPixels: (x: number, y: number, width: number, height: number, _format: number, _type: number, out: Uint8Array, offset = 0) => {
      const texture = boundFramebuffer?.texture;
      if (!texture) return;
      for (let row = 0; row < height; row++) {
        const from = ((y + row) * texture.width + x) * 4;
        out.set(texture.pixels.subarray(from, from + width * 4), offset + row * width * 4);
      }
    },
  };
  // Emscripten checks the context with instanceof.
  const contextClass = (globalThis as { WebGL2RenderingContext?: { prototype: object } }).WebGL2RenderingContext;
  if (contextClass) Object.setPrototypeOf(context, contextClass.prototype);
  // MediaPipe also sets parameters, deletes objects and queries state: accept any other call and do nothing.
  return new Proxy(context, {
    get: (target, property) => (property in target ? target[property as keyof typeof target] : () => null),
  });
}
