// The only file that loads WebAssembly modules and the only owner of their linear memory: one Runtime
// per binary.
//
// Each run borrows an instance, lays all of its buffers out from the heap base (the kernels never
// allocate), copies its inputs in once, calls a kernel once per epoch (or per block of rows) and reads
// results where they live. The next run on that instance reuses the same bytes, so memory grows to the
// largest problem seen and never with the number of calls.
import { instantiate, instantiateSync } from '@assemblyscript/loader';
import { wasmBase64 } from './binary.js';
import { wasmBase64 as threadedBase64 } from './binary-threads.js';
import { wasmBase64 as singleBase64 } from './binary-single.js';
import { wasmBase64 as singleThreadedBase64 } from './binary-single-threads.js';
import type { Kernels as KernelContract } from './kernels.js';
import type { SharedInstance } from './threads.js';

/**
 * Whether this is Node, where the compiled module is instantiated synchronously: the loader's instantiate() first asks
 * whether its argument is a fetch Response, and Node makes its global Response on first use by loading its fetch
 * implementation — megabytes and tens of milliseconds for a process that never fetches. Browsers, and pages with Node in them (Electron's
 * renderers), keep the asynchronous path: Chromium refuses synchronous instances of larger modules on a page's thread.
 */
const inNode = typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === 'string' &&
  typeof (globalThis as { document?: unknown }).document === 'undefined';

/** An instance's exports: the kernel contract over byte offsets, and the module's own helpers. */
export type Kernels = KernelContract<number, number> & {
  memory: WebAssembly.Memory;
  heapBase(): number;
  summarize(x: number, rows: number, cols: number, rowCounts: number, colCounts: number, bits: number, out: number): number;
  squaredDeviation(x: number, rows: number, cols: number, center: number, total: number): number;
  compactObserved(x: number, rows: number, cols: number, bits: number, out: number): number;
  scoreColumns(w: number, ht: number, cols: number, width: number, offset: number, out: number): void;
  scoreColumnsF32(w: number, ht: number, cols: number, width: number, offset: number, out: number): void;
  /** Σ of count float32 values: the plain pass bench:recommend times as the memory-bandwidth limit. */
  sumFloat32(at: number, count: number): number;
  /** The threaded build's instances: their shared memory, as the pool's threads instantiate it too. */
  shared?: SharedInstance;
};

const PAGE_BYTES = 65536;
/** wasm32 addresses 65,536 pages of 64 KiB. */
export const MAX_MEMORY_BYTES = 65536 * PAGE_BYTES;
/**
 * Buffers start on 64-byte boundaries: f64x2 loads want 16, and threads writing neighbouring ranges of a
 * buffer must not share a cache line at its start.
 */
export const ALIGN = 64;

/** Byte offsets of the buffers of one run, by name. */
export type Placement<Name extends string> = Record<Name, number>;

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Instances whose memory grew past `bytes` are not kept idle, nor more idle instances of a build than `bytes` hold
 * together: linear memory never shrinks, and a server that once fitted 10M ratings, or eight problems at once,
 * should not hold that memory for ever. Re-creating one costs about a millisecond, small beside a problem of that
 * size. (Tests lower it, to run the path of large memories at a small size.)
 */
export const idleLimit = { bytes: 64 * 2 ** 20 };

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

function formatBytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/**
 * One WebAssembly binary: compiled once per realm, a pool of instances (a new one only when every
 * instance is busy, so concurrent fits never share memory), and the layout of each run's buffers in an
 * instance's memory. The threaded and float32 builds are Runtimes over their own binaries, chosen per
 * run by the backend (src/backends/wasm.ts), behind the same contract.
 */
export class Runtime {
  readonly #base64: string;
  readonly #name: string;
  readonly #shared: boolean;
  #compiling: Promise<WebAssembly.Module> | undefined;
  readonly #idle: Kernels[] = [];
  /** Called with the key of a shared memory no instance will use again. */
  onDrop: (key: number) => void = () => {};

  /** `shared`: the build imports a shared memory (--importMemory --sharedMemory), one made per instance. */
  constructor(name: string, base64: string, shared = false) {
    this.#name = name;
    this.#base64 = base64;
    this.#shared = shared;
  }

  /** Compiles the module once; a runtime without the features it needs (SIMD) says so. */
  compile(): Promise<WebAssembly.Module> {
    this.#compiling ??= (async () => {
      const bytes = decodeBase64(this.#base64) as Uint8Array<ArrayBuffer>;
      if (!WebAssembly.validate(bytes)) {
        throw new Error(`mfwasm: this JavaScript engine cannot run the ${this.#name} WebAssembly build (it needs WebAssembly SIMD); use backend: 'js'`);
      }
      return WebAssembly.compile(bytes);
    })();
    return this.#compiling;
  }

  /** An instance no other run is using: an idle one, or a new one. Give it back with `giveBack`. */
  async borrow(): Promise<Kernels> {
    const reused = this.#idle.pop();
    if (reused) return reused;
    const module = await this.compile();
    // The threaded build's memory: up to what wasm32 addresses, as its build declares (asconfig.json).
    const memory = this.#shared ? new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true } as WebAssembly.MemoryDescriptor) : undefined;
    const imports = memory ? { env: { memory } } : {};
    const { exports } = inNode ? instantiateSync<Record<string, unknown>>(module, imports) : await instantiate<Record<string, unknown>>(module, imports);
    // The loader wraps every export in `(...args) => { setArgumentsLength(args.length); return f(...args) }`,
    // for optional parameters, which no kernel has: call the functions it wraps (`original`) directly — the
    // wrappers cost more than a tiny epoch's work.
    const direct = Object.fromEntries(
      Object.entries(exports).map(([name, value]) => [name, (value as { original?: unknown } | undefined)?.original ?? value]),
    );
    const kernels = direct as unknown as Kernels;
    if (memory) kernels.shared = { key: ++sharedKeys, module, memory };
    return kernels;
  }

  giveBack(kernels: Kernels): void {
    if (this.keepsIdle(kernels) && this.idleBytes() + kernels.memory.buffer.byteLength <= idleLimit.bytes) this.#idle.push(kernels);
    else this.keep(kernels);
  }

  /**
   * Whether this instance's memory is small enough to be kept idle (giveBack() also keeps no more than
   * idleLimit.bytes of idle instances together).
   */
  keepsIdle(kernels: Kernels): boolean {
    return kernels.memory.buffer.byteLength <= idleLimit.bytes;
  }

  /** Never lends this instance again; the threads forget its memory, which lives while views of it do. */
  keep(kernels: Kernels): void {
    if (kernels.shared) this.onDrop(kernels.shared.key);
  }

  /** Bytes of linear memory held by the idle instances. */
  idleBytes(): number {
    return this.#idle.reduce((sum, kernels) => sum + kernels.memory.buffer.byteLength, 0);
  }
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

let sharedKeys = 0;

/** The f64 SIMD build: the runtime the 'wasm' backend uses. */
export const f64Runtime = new Runtime('f64 SIMD', wasmBase64);

/** The same kernels built for threads (shared, imported memory): the 'wasm' backend's runs on more than one thread. */
export const threadedRuntime = new Runtime('f64 SIMD threads', threadedBase64, true);

/** The same kernels over float32 buffers (assembly/real.ts): float32 runs, on one thread and on more. */
export const singleRuntime = new Runtime('f32 SIMD', singleBase64);
export const singleThreadedRuntime = new Runtime('f32 SIMD threads', singleThreadedBase64, true);

const RUNTIMES = [f64Runtime, threadedRuntime, singleRuntime, singleThreadedRuntime];

/** Bytes of linear memory held by idle instances (tests check it does not grow with the number of calls). */
export function memoryBytes(): number {
  return RUNTIMES.reduce((sum, runtime) => sum + runtime.idleBytes(), 0);
}
