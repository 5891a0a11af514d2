/** The choices of CLI options whose commands load lazily: the program lists them without loading those commands. */

/** `vivify extract --size`: the side of the square crops. */
export const extractSizes = ['64', '128', '256'] as const;

/** `vivify train deepfakes --preset`. */
export const deepfakesPresets = ['small', 'original', 'large'] as const;

/** `vivify train cyclegan --preset`. */
export const cycleganPresets = ['small', 'original'] as const;

/** `vivify train pix2pix --preset`. */
export const pix2pixPresets = ['small', 'original', 'hd'] as const;
