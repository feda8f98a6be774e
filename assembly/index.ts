// The module's exports: the kernels and where free memory starts. Kernels never allocate;
// src/runtime/wasm.ts lays out every buffer from heapBase() and grows memory itself.

export { denseGradientW, denseStepH, denseEpochs } from "./dense";
export { sparseGradientW, sparseStepH } from "./sparse";
export { sgdEpoch, observedLoss, cellsLoss, csrLoss } from "./sgd";
export { alsHalf } from "./als";
export { stepRows, penalty } from "./update";
export { summarize, squaredDeviation, compactObserved } from "./scan";
export { scoreColumns, scoreColumnsF32, sumFloat32, recommendRows } from "./score";

export function heapBase(): usize {
  return __heap_base;
}
export { gramian, ialsHalf, ialsLoss } from "./ials";
export { bprEpoch } from "./bpr";
export { drawInto } from "./random";
export { csrCount, csrIntoBins, csrFromBins, csrSums, csrDeviations } from "./csr";
export { blockCells } from "./order";
