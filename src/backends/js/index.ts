// The pure-TypeScript backend: the twin of every WASM kernel (same signatures, same order of operations),
// over typed arrays, and the fallback where WebAssembly is unavailable.
import type { Backend } from '../backend.js';
import { DRAW_STATE, runHere, type Buffers, type Kernels, type RealArray, type Workspace } from '../../runtime/kernels.js';
import { alsHalf } from './als.js';
import { bprEpoch } from './bpr.js';
import { denseEpochs, denseGradientW, denseStepH } from './dense.js';
import { gramian, ialsHalf, ialsLoss } from './ials.js';
import { summarize } from './scan.js';
import { jsScorer, recommendRows } from './score.js';
import { cellsLoss, csrLoss, observedLoss, sgdEpoch } from './sgd.js';
import { sparseGradientW, sparseStepH } from './sparse.js';
import { penalty, stepRows } from './update.js';
import { drawInto } from './random.js';
import { csrCount, csrDeviations, csrFromBins, csrIntoBins, csrSums } from './csr.js';
import { blockCells } from './order.js';

/** The kernel contract, over typed arrays. */
export const jsKernels: Kernels<Float64Array, Int32Array> = Object.freeze({
  denseGradientW, denseStepH, denseEpochs, sparseGradientW, sparseStepH, sgdEpoch, observedLoss, alsHalf, stepRows, penalty,
  gramian, ialsHalf, ialsLoss, bprEpoch, recommendRows, drawInto, cellsLoss, csrLoss, csrCount, csrIntoBins, csrFromBins, csrSums, csrDeviations, blockCells,
});

/** The longest typed array V8 and the other engines allocate. */
const MAX_TYPED_ARRAY_LENGTH = 2 ** 32 - 1;

/**
 * A float32 run's buffers are Float32Arrays: the kernels read them as doubles, compute in doubles and
 * round on store, as the f32 build does (assembly/real.ts).
 */
function open({ real, i32, scratch = {}, scratch64 = {}, float32 = {}, precision = 'float64' }: Buffers): Workspace<RealArray, Int32Array> {
  const Real = precision === 'float32' ? Float32Array : Float64Array;
  return {
    kernels: jsKernels as unknown as Kernels<RealArray, Int32Array>,
    precision,
    real: {
      ...Object.fromEntries(Object.entries({ ...real, ...scratch }).map(([name, length]) => [name, new Real(length)])),
      ...Object.fromEntries(Object.entries(scratch64).map(([name, length]) => [name, new Float64Array(length)])),
      ...Object.fromEntries(Object.entries(float32).map(([name, length]) => [name, new Float32Array(length)])),
    },
    i32: Object.fromEntries(Object.entries({ ...i32, ...DRAW_STATE }).map(([name, length]) => [name, new Int32Array(length)])),
    viewReal: (buffer, length) => (length === buffer.length ? buffer : buffer.subarray(0, length)),
    viewFloat32: (buffer, length) => (buffer as Float32Array).subarray(0, length),
    viewI32: (buffer, length) => (length === buffer.length ? buffer : buffer.subarray(0, length)),
    i32Over: (buffer) => new Int32Array(buffer.buffer, buffer.byteOffset, buffer.byteLength >> 2),
    atReal: (buffer, index) => (index === 0 ? buffer : buffer.subarray(index)),
    atI32: (buffer, index) => (index === 0 ? buffer : buffer.subarray(index)),
    threads: 1,
    run: (phases) => runHere(jsKernels, phases),
    close() {},
    // Every run has arrays of its own: a view of them keeps only the array it views.
    keepable: true,
    keep() {},
  };
}

export const jsBackend: Backend = {
  name: 'js',
  sparseBelowDensity: 0.85,
  tooLarge: ({ real, i32, float32 = {} }) => {
    const longest = Math.max(0, ...Object.values(real), ...Object.values(i32), ...Object.values(float32));
    return longest > MAX_TYPED_ARRAY_LENGTH
      ? `this problem needs an array of ${longest} numbers, more than the ${MAX_TYPED_ARRAY_LENGTH} a typed array holds`
      : undefined;
  },
  summarize: (values, rows, cols, wanted) => Promise.resolve(summarize(values, rows, cols, wanted)),
  hardwareThreads: () => Promise.resolve(1),
  // One thread: the twins are the reference, not the fast path.
  open: (buffers) => Promise.resolve(open(buffers) as Workspace<unknown, unknown>),
  scorer: (ht, cols, width, precision) => Promise.resolve(jsScorer(ht, cols, width, precision)),
};
