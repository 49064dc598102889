export { exportGenerator, readGeneratorFiles, quantizeUint8, type ExportOptions } from './exportGenerator';
export { generatorFromSpec, type GeneratorSpec } from './generatorSpec';
export { buildDemoSite, bundlePage, serveFolder, type ServeOptions } from './demoSite';
export * from './onnx';
