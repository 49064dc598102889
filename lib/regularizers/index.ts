export { clipWeights } from './weightClipping';
export { gradientPenalty, r1Penalty, criticGradientNorms } from './gradientPenalty';
export { orthogonalRegularization } from './orthogonal';
export { modeSeekingLoss } from './modeSeeking';
export { nearestNeighbourEntropy, type NearestNeighbourEntropyConfig } from './sampleEntropy';
