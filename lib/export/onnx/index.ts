export { generatorToOnnx, type OnnxExportOptions } from './exportOnnx';
export { OnnxGraph, type OnnxAttr, type OnnxDtype, type OnnxValueInfo } from './onnxGraph';
export { KERNEL_EMITTERS, type KernelCall } from './kernelEmitters';
