// A full garbage collection where the host gave one (the command line does: src/cli/main.ts), called where a run
// has just taken over what a large array held. Nothing else would collect that array while the kernels train
// (they allocate nothing), so it would stay resident beside the run to the end of the fit.

let collector: (() => void) | undefined;

/** The host's full, synchronous collection (undefined: none). */
export function setCollector(collect: (() => void) | undefined): void {
  collector = collect;
}

/** Whether the host gave a way to collect (else what a fit lets go stays until the engine collects it). */
export function canCollect(): boolean {
  return collector !== undefined;
}

/** Collects now where the host gave a way to; else does nothing (the engine collects when it will). */
export function collectGarbage(): void {
  collector?.();
}
