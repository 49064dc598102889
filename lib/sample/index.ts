export { truncatedLatents, interpolate } from './truncation';
export { rng, gaussian } from '../../datasets/random';
export { sampleSheet } from './sheet';
export { generateImages, type GenerateOptions } from './generate';
export { classMorph, canMorphClasses, type ClassMorphOptions, type EmbeddedGenerator } from './classMorph';
export { standingStatistics, type StandingStatisticsOptions } from './standingStatistics';
export { invertGenerator, type InversionOptions, type Inversion, type InvertibleGenerator } from './invert';
