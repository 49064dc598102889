export { truncatedLatents, interpolate } from './truncation';
export { rng, gaussian } from './random';
export { sampleSheet } from './sheet';
export { generateImages, type GenerateOptions } from './generate';
