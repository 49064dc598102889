export { exportGenerator, readGeneratorFiles, quantizeUint8, type ExportOptions } from './exportGenerator';
export { generatorFromSpec, type GeneratorSpec } from './generatorSpec';
export { buildDemoSite, serveFolder } from './demoSite';
export * from './onnx';
