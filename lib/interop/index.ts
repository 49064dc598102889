export { readSafetensors, writeSafetensors, type NamedArray } from './safetensors';
export { toPytorchName, toPytorchState, loadPytorchState, type Role } from './bigganPytorch';
export { importPytorchRun, exportPytorchRun, type PytorchImport } from './pytorchRun';
