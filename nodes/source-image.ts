import { defineNode, output } from '../runtime/node-definition.ts';
import { file } from '../runtime/params.ts';

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
  },
  // A changed file at the same path must not reuse the cached picture.
  cacheKey: (ctx) => ctx.host.fileIdentity(ctx.params.path),
  async run(ctx) {
    return { image: await ctx.host.readImage(ctx.params.path) };
  },
});
