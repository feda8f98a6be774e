// The only file that loads the WebAssembly module and the only owner of its linear memory.
//
// The module is compiled once per realm. Each run borrows an instance (a new one only when every
// instance is busy, so concurrent fits never share memory), lays all of its buffers out from the heap
// base (the kernels never allocate), copies its inputs in once, calls a kernel once per epoch and
// copies results out once. The next run on that instance reuses the same bytes, so memory grows to
// the largest problem seen and never with the number of calls.
import { instantiate } from '@assemblyscript/loader';
import { wasmBase64 } from './binary.js';

export type Kernels = {
  memory: WebAssembly.Memory;
  heapBase(): number;
  denseGradientW(x: number, w: number, h: number, residual: number, gradientW: number, rows: number, cols: number, rank: number): number;
  denseStepH(
    x: number, w: number, h: number, residual: number, gradientH: number, colCounts: number, hParams: number,
    rows: number, cols: number, rank: number, learningRate: number, plain: number,
  ): void;
  sparseGradientW(
    rowStart: number, colIndex: number, values: number, w: number, ht: number, gradientW: number, rows: number, rank: number,
  ): number;
  sparseStepH(
    rowStart: number, colIndex: number, values: number, w: number, ht: number, gradientH: number,
    colCounts: number, hParams: number, rows: number, cols: number, rank: number, learningRate: number, plain: number,
  ): void;
  sgdEpoch(
    blockOrder: number, blocks: number, blockStart: number, rowOf: number, colOf: number, values: number, w: number, ht: number,
    wParams: number, hParams: number, rowScale: number, colScale: number, rank: number, learningRate: number, adaptive: number,
  ): void;
  observedLoss(rowOf: number, colOf: number, values: number, count: number, w: number, ht: number, rank: number): number;
  alsHalf(
    start: number, index: number, values: number, counts: number, fixed: number, solved: number, params: number,
    n: number, rank: number, gram: number, rhs: number, coordinateDescent: number,
  ): void;
  stepRows(factor: number, gradient: number, counts: number, params: number, n: number, rank: number, eta: number, plain: number): void;
  penalty(factor: number, counts: number, params: number, n: number, rank: number, transposed: number): number;
  summarize(x: number, rows: number, cols: number, rowCounts: number, colCounts: number, bits: number, out: number): number;
  squaredDeviation(x: number, rows: number, cols: number, center: number): number;
  scoreColumns(w: number, ht: number, cols: number, width: number, offset: number, out: number): void;
  scoreColumnsF32(w: number, ht: number, cols: number, width: number, offset: number, out: number): void;
};

const PAGE_BYTES = 65536;
/** wasm32 addresses 65,536 pages of 64 KiB. */
export const MAX_MEMORY_BYTES = 65536 * PAGE_BYTES;
/** f64x2 loads are fastest on 16-byte boundaries. */
const ALIGN = 16;

/** Byte offsets of the buffers of one run, by name. */
export type Placement<Name extends string> = Record<Name, number>;

let compiling: Promise<WebAssembly.Module> | undefined;
const idle: Kernels[] = [];

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Compiles the module once per realm. */
export function compileModule(): Promise<WebAssembly.Module> {
  compiling ??= WebAssembly.compile(decodeBase64(wasmBase64) as Uint8Array<ArrayBuffer>);
  return compiling;
}

/** An instance no other run is using: an idle one, or a new one. Give it back with `giveBack`. */
export async function borrowInstance(): Promise<Kernels> {
  const reused = idle.pop();
  if (reused) return reused;
  const { exports } = await instantiate<Kernels>(await compileModule(), {});
  // The loader wraps every export in `(...args) => { setArgumentsLength(args.length); return f(...args) }`,
  // for optional parameters, which no kernel has: call the functions it wraps (`original`) directly.
  // Measured on the 5×6 epoch (three calls): 0.59 µs through the wrappers, 0.23–0.36 µs without.
  const direct = Object.fromEntries(
    Object.entries(exports).map(([name, value]) => [name, (value as { original?: unknown } | undefined)?.original ?? value]),
  );
  return direct as unknown as Kernels;
}

/**
 * Instances whose memory grew past this are not kept idle: linear memory never shrinks, and a server
 * that once fitted 10M ratings should not hold that memory for ever. Re-creating one costs about a
 * millisecond, small beside a problem of that size.
 */
const KEEP_IDLE_BYTES = 64 * 2 ** 20;

export function giveBack(kernels: Kernels): void {
  if (kernels.memory.buffer.byteLength <= KEEP_IDLE_BYTES) idle.push(kernels);
}

/** Places buffers of the given byte sizes one after another from `start`, each 16-byte aligned. */
function place<Name extends string>(start: number, sizes: Record<Name, number>): { placement: Placement<Name>; end: number } {
  const placement = {} as Placement<Name>;
  let end = start;
  for (const name of Object.keys(sizes) as Name[]) {
    end = Math.ceil(end / ALIGN) * ALIGN;
    placement[name] = end;
    end += sizes[name];
  }
  return { placement, end };
}

/**
 * Why buffers of these sizes cannot be laid out in a 32-bit module, or undefined if they can.
 * Checked before any work, so that a problem too large fails up front rather than mid-run.
 */
export function tooLarge(sizes: Record<string, number>): string | undefined {
  // The heap base is a few KiB; 64 KiB is a safe bound before the module is loaded.
  const { end } = place(PAGE_BYTES, sizes);
  if (end <= MAX_MEMORY_BYTES) return undefined;
  return `this problem needs ${formatBytes(end)} of WebAssembly memory, more than the 4 GiB a 32-bit module can address`;
}

/**
 * Lays out buffers of the given byte sizes from the instance's heap base, growing its memory if
 * needed. Views made before this call may be detached by the growth: take views afterwards.
 */
export function reserve<Name extends string>(kernels: Kernels, sizes: Record<Name, number>): Placement<Name> {
  const reason = tooLarge(sizes);
  if (reason) throw new RangeError(`mfwasm: ${reason}`);
  const { placement, end } = place(kernels.heapBase(), sizes);
  const missingPages = Math.ceil(end / PAGE_BYTES) - kernels.memory.buffer.byteLength / PAGE_BYTES;
  if (missingPages > 0) {
    try {
      kernels.memory.grow(missingPages);
    } catch (error) {
      throw new RangeError(
        `mfwasm: could not grow WebAssembly memory to ${formatBytes(end)} (${(error as Error).message}); ` +
          `use backend: 'js' or a smaller problem`,
      );
    }
  }
  return placement;
}

/** Bytes of linear memory held by all instances, busy or idle. */
export function memoryBytes(instances: readonly Kernels[] = idle): number {
  return instances.reduce((sum, kernels) => sum + kernels.memory.buffer.byteLength, 0);
}

function formatBytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
