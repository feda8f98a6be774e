// The only file that loads the WebAssembly module and the only owner of its linear memory.
//
// A run lays all of its buffers out from the module's heap base (the kernels never allocate),
// copies its inputs in once, calls a kernel once per epoch and copies results out once. The
// next run reuses the same bytes, so memory grows only to the largest problem seen and never
// with the number of calls.
import { instantiate } from '@assemblyscript/loader';
import { wasmBase64 } from './binary.js';

export type Kernels = {
  memory: WebAssembly.Memory;
  heapBase(): number;
  denseEpoch(
    x: number, w: number, h: number, residual: number, gradient: number,
    rows: number, cols: number, rank: number, learningRate: number,
  ): number;
  denseLoss(x: number, w: number, h: number, residual: number, rows: number, cols: number, rank: number): number;
  sparseEpoch(
    rowStart: number, colIndex: number, values: number, w: number, ht: number,
    rowGradient: number, gradient: number,
    rows: number, cols: number, rank: number, learningRate: number,
  ): number;
  sparseLoss(rowStart: number, colIndex: number, values: number, w: number, ht: number, rows: number, rank: number): number;
};

const PAGE_BYTES = 65536;
/** wasm32 addresses 65,536 pages of 64 KiB. */
export const MAX_MEMORY_BYTES = 65536 * PAGE_BYTES;
/** f64x2 loads are fastest on 16-byte boundaries. */
const ALIGN = 16;

let loading: Promise<Kernels> | undefined;

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Compiles and instantiates the module once per JavaScript realm. */
export function loadKernels(): Promise<Kernels> {
  loading ??= instantiate<Kernels>(decodeBase64(wasmBase64), {}).then(({ exports }) => exports);
  return loading;
}

/** Byte offsets of the buffers of one run, by name. */
export type Placement<Name extends string> = Record<Name, number>;

let inUse = false;

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
 * Lays out buffers of the given byte sizes from the heap base, growing memory if needed.
 * Views made before this call may be detached by the growth: take views afterwards.
 * One run at a time: the caller must call `release()` when done.
 */
export function reserve<Name extends string>(kernels: Kernels, sizes: Record<Name, number>): Placement<Name> {
  if (inUse) throw new Error('mfwasm: the WASM backend is already running a fit in this realm; wait for it to finish');
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
  inUse = true;
  return placement;
}

export function release(): void {
  inUse = false;
}

export function memoryBytes(kernels: Kernels): number {
  return kernels.memory.buffer.byteLength;
}

function formatBytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
