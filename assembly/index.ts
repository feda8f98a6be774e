// The module's exports: the kernels and where free memory starts. Kernels never allocate;
// src/wasm/memory.ts lays out every buffer from heapBase() and grows memory itself.

export { denseEpoch, denseLoss } from "./dense";
export { sparseEpoch, sparseLoss } from "./sparse";

export function heapBase(): usize {
  return __heap_base;
}
