export { initBackend, describeBackend, backendFromEnv, nativeFromEnv } from './init';
export { softwareGpuFromEnv } from './gpu';
export { BackendUnavailableError } from './errors';
export { BACKEND_NAMES, type BackendName, type BackendInfo, type InitBackendOptions } from './types';
