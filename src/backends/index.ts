import type { Backend, BackendName } from './backend.js';
import { jsBackend } from './js/index.js';
import { wasmBackend } from './wasm.js';

export type { Backend, BackendName, ColumnOrder, FactorView, Factors, Run, RunSpec, Shape, Solver } from './backend.js';

export const backends: Readonly<Record<BackendName, Backend>> = Object.freeze({ wasm: wasmBackend, js: jsBackend });
