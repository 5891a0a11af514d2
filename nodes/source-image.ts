import { defineNode, output } from '../runtime/node-definition.ts';
import { file, number } from '../runtime/params.ts';

export const sourceImage = defineNode({
  type: 'source-image',
  version: 1,
  title: 'Source image',
  category: 'source',
  description: 'The painting or portrait to animate, read once per run and turned upright by its EXIF orientation.',
  inputs: {},
  outputs: { image: output('image', 'the picture as RGBA') },
  params: {
    path: file({ accept: 'image', role: 'input', help: 'JPEG, PNG or WebP file of the face to animate' }),
    maxMegapixels: number(16, {
      min: 0.1,
      max: 256,
      help: 'a larger picture is scaled down to this many megapixels as it is read, keeping memory and the render bounded (16 is 4096x4096)',
    }),
  },
  // A changed file at the same path must not reuse the cached picture.
  cacheKey: (ctx) => ctx.host.fileIdentity(ctx.params.path),
  async run(ctx) {
    const { scaledFrom, ...image } = await ctx.host.readImage(ctx.params.path, { maxPixels: ctx.params.maxMegapixels * 1e6 });
    if (scaledFrom) {
      const megapixels = ((scaledFrom.width * scaledFrom.height) / 1e6).toFixed(1);
      ctx.warn(
        `${image.name} is ${scaledFrom.width}x${scaledFrom.height} (${megapixels} megapixels); working at ${image.width}x${image.height}, ` +
          `the ${ctx.params.maxMegapixels} megapixels of maxMegapixels (raise it with --set ${ctx.nodeId}.maxMegapixels=N)`,
      );
    }
    return { image };
  },
});
