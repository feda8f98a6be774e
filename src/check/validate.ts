// The checks every entry point uses — options, inputs, model files (JSON, bytes, LIBMF, factor rows),
// the ranking options and the worker — so that every error has one form: the argument's name, what was
// expected and what was given (src/check/describe.ts).
import { describe } from './describe.js';

function closest(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** Options renamed since a release: their new names, which an error suggests. */
const RENAMED: Readonly<Record<string, string>> = Object.freeze({ kernel: 'layout' });

export function rejectUnknown(where: string, value: object, known: readonly string[]): void {
  for (const name of Object.keys(value)) {
    if (known.includes(name)) continue;
    const suggestion = known.includes(RENAMED[name]) ? RENAMED[name] : closest(name, known);
    throw new TypeError(
      `${where}: unknown option '${name}'` +
        (suggestion ? ` (did you mean '${suggestion}'?)` : '') +
        `; expected one of ${known.join(', ')}`,
    );
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An options argument: an object holding only the names `known` (undefined: none given), else an error naming the
 * one it does not know, with the closest known name.
 */
export function optionsOf<T extends object>(where: string, value: T | undefined, known: readonly string[]): T {
  if (value === undefined) return {} as T;
  if (!isPlainObject(value)) throw new TypeError(`${where}: expected an object, got ${describe(value)}`);
  rejectUnknown(where, value, known);
  return value;
}

/** An integer from `min` (to `max`, when given). */
export function integer(name: string, value: unknown, min: number, max?: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || !Number.isSafeInteger(value) || (max !== undefined && value > max)) {
    throw new RangeError(`${name}: expected an integer ${max === undefined ? `≥ ${min}` : `from ${min} to ${max}`}, got ${describe(value)}`);
  }
  return value;
}

export function finite(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new RangeError(`${name}: expected a finite number, got ${describe(value)}`);
  return value;
}

/** A plain object (not null, not an array). */
export function object(name: string, value: unknown, expected = 'an object'): Record<string, unknown> {
  if (!isPlainObject(value)) throw new TypeError(`${name}: expected ${expected}, got ${describe(value)}`);
  return value;
}

/**
 * Observations given as lists, checked as lists: an object whose `lists` (rowIndices, colIndices, values) are arrays
 * or typed arrays of one length, which it returns. What they hold is checked where it is used (the fit, the model).
 */
export function observationLists(name: string, value: unknown, lists: readonly string[] = ['rowIndices', 'colIndices', 'values']): number {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${name}: expected { ${lists.join(', ')} }, got ${describe(value)}`);
  const lengths = lists.map((list) => {
    const entries = (value as Record<string, unknown>)[list];
    if (!Array.isArray(entries) && !(ArrayBuffer.isView(entries) && !(entries instanceof DataView))) {
      throw new TypeError(`${name}.${list}: expected an array or a typed array, got ${describe(entries)}`);
    }
    return (entries as ArrayLike<unknown>).length;
  });
  if (lengths.some((length) => length !== lengths[0])) {
    throw new RangeError(`${name}: expected ${lists.slice(0, -1).join(', ')} and ${lists.at(-1)} of one length, got ${lengths.slice(0, -1).join(', ')} and ${lengths.at(-1)}`);
  }
  return lengths[0];
}

/** [min, max] with finite ends, min ≤ max. */
export function range(name: string, value: unknown): [number, number] {
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === 'number' && Number.isFinite(v)) || !(value[0] <= value[1])) {
    throw new RangeError(`${name}: expected [min, max] with finite min ≤ max, got ${describe(value)}`);
  }
  return [value[0], value[1]];
}

export function nonNegative(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name}: expected a finite number ≥ 0, got ${describe(value)}`);
  }
  return value;
}

export function boolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${name}: expected true or false, got ${describe(value)}`);
  return value;
}

export function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new RangeError(`${name}: expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}


/**
 * The integer an id names when it is a plain one — a number, or a string of digits without a leading zero — below
 * 2^31, else −1: "42" and 42 are one id (ids compare as strings).
 */
export function canonicalInteger(id: string | number): number {
  if (typeof id === 'number') return Number.isInteger(id) && id >= 0 && id < 2 ** 31 ? id : -1;
  const length = id.length;
  if (length === 0 || length > 10 || (length > 1 && id.charCodeAt(0) === 48)) return -1;
  let value = 0;
  for (let i = 0; i < length; i++) {
    const digit = id.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value < 2 ** 31 ? value : -1;
}

/** Plain-integer ids below this are marked seen in a bit set rather than a Map. */
const BIT_SET_LIMIT = 1 << 24;

/** Ids of `count` rows or columns: strings or numbers, distinct. */
export function ids(name: string, value: unknown, count: number, countName = `${count}`): readonly (string | number)[] {
  if (!Array.isArray(value)) throw new TypeError(`${name}: expected an array of ${count} strings or numbers, got ${describe(value)}`);
  if (value.length !== count) throw new RangeError(`${name}: expected ${countName} ids, got ${value.length}`);
  // Most ids are plain integers: a bit each (at most 2 MiB), not a Map entry and a string each — for 10^5 ids, megabytes
  // that outlived young collections and grew V8's young generation for the rest of a fit.
  let seenIntegers = new Uint32Array(1024);
  const seenOthers = new Set<string>();
  const firstOf = (id: string | number) => value.findIndex((other) => String(other) === String(id));
  // A plain loop, not forEach: forEach skips the holes of a sparse array such as new Array(2).
  for (let index = 0; index < value.length; index++) {
    const id: unknown = value[index];
    if (typeof id !== 'string' && typeof id !== 'number') throw new TypeError(`${name}[${index}]: expected a string or a number, got ${describe(id)}`);
    const number = canonicalInteger(id);
    let seen: boolean;
    if (number >= 0 && number < BIT_SET_LIMIT) {
      const word = number >>> 5;
      if (word >= seenIntegers.length) {
        const grown = new Uint32Array(Math.max(2 * seenIntegers.length, word + 1));
        grown.set(seenIntegers);
        seenIntegers = grown;
      }
      const bit = 1 << (number & 31);
      seen = (seenIntegers[word] & bit) !== 0;
      seenIntegers[word] |= bit;
    } else {
      seen = seenOthers.has(String(id));
      seenOthers.add(String(id));
    }
    if (seen) throw new RangeError(`${name}: expected distinct ids, got ${describe(id)} at ${firstOf(id)} and ${index}`);
  }
  return value.slice();
}
