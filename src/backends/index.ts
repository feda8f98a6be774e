import type { Backend, BackendName } from './backend.js';
import { jsBackend } from './js/index.js';
import { wasmBackend } from './wasm.js';

export type { Backend, BackendName, DenseSummary, Scorer, Wanted } from './backend.js';
export type { Buffers, Kernels, Workspace } from '../runtime/kernels.js';
export { jsScorer } from './js/score.js';

export const backends: Readonly<Record<BackendName, Backend>> = Object.freeze({ wasm: wasmBackend, js: jsBackend });
