export { initBackend, describeBackend, backendFromEnv, nativeFromEnv } from './init';
export { BackendUnavailableError } from './errors';
export { BACKEND_NAMES, type BackendName, type BackendInfo, type InitBackendOptions } from './types';
