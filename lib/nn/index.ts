export { Module, SeedStream } from './module';
export * from './layers';
export { SpectralNorm, type SpectralNormConfig } from './spectralNorm';
export { stopGradient } from './stopGradient';
export { seededNormal, type SeededNormalOptions } from './seededNormal';
export { Embedding, type EmbeddingConfig } from './embedding';
export { ConditionalBatchNorm, type ConditionalBatchNormConfig } from './conditionalBatchNorm';
export { SelfAttention, type SelfAttentionConfig } from './selfAttention';
export { GBlock, DBlock, type GBlockConfig, type DBlockConfig, type ConvFactory, type NormFactory, type ConvLike, type NormLike } from './resBlocks';
