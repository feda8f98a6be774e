// Rows and columns as the user names them: ids (from the training data) or indices, each resolved to the
// model's index with an error that names the key, or to −1 for an unknown key under coldStart 'mean'.
import { describe } from '../check/describe.js';
import { optionsOf } from '../check/validate.js';
import type { Key } from '../types.js';

/**
 * What predict() does with a row or column id the model does not know: 'error' throws (the default);
 * 'mean' predicts it like a row or column never seen in training — the training mean plus the bias of the
 * side that is known (Spark ALS's coldStartStrategy, with the mean in place of NaN).
 */
export type ColdStart = 'error' | 'mean';

export interface PredictOptions {
  /** Default 'error'. */
  coldStart?: ColdStart;
}

export function readColdStart(where: string, options: PredictOptions): ColdStart {
  const { coldStart = 'error' } = optionsOf(`${where}: options`, options, ['coldStart']);
  if (coldStart !== 'error' && coldStart !== 'mean') {
    throw new RangeError(`${where}: options.coldStart: expected 'error' or 'mean', got ${describe(coldStart)}`);
  }
  return coldStart;
}
/** Each id's index, by the id as a string. */
function indexById(ids: readonly Key[]): Map<string, number> {
  const index = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) index.set(String(ids[i]), i);
  return index;
}

export class Keys {
  // Made on the first lookup by id: a model that is only trained and saved (the command line's fit) never needs
  // them, and for 10^5 ids they are tens of megabytes of heap.
  #rows: Map<string, number> | null | undefined;
  #cols: Map<string, number> | null | undefined;

  constructor(readonly rowIds: readonly Key[] | null, readonly colIds: readonly Key[] | null, readonly rows: number, readonly cols: number) {}

  get #rowIndex(): Map<string, number> | null {
    return this.#rows === undefined ? (this.#rows = this.rowIds && indexById(this.rowIds)) : this.#rows;
  }

  get #colIndex(): Map<string, number> | null {
    return this.#cols === undefined ? (this.#cols = this.colIds && indexById(this.colIds)) : this.#cols;
  }

  /** The index of a row or column given as the user names it; an error naming `where` otherwise. */
  indexOf(key: Key, side: 'row' | 'col', where: string): number {
    const ids = side === 'row' ? this.#rowIndex : this.#colIndex;
    const count = side === 'row' ? this.rows : this.cols;
    if (ids) {
      const index = ids.get(String(key));
      if (index === undefined) throw new RangeError(`${where}: no such id ${typeof key === 'string' ? JSON.stringify(key) : describe(key)} in the training data`);
      return index;
    }
    if (typeof key !== 'number' || !Number.isInteger(key) || key < 0 || key >= count) {
      throw new RangeError(`${where}: expected an integer from 0 to ${count - 1}, got ${describe(key)}`);
    }
    return key;
  }

  /** The index of a key the model knows, or undefined (then lookUp decides: an error, or −1). */
  known(key: Key, side: 'row' | 'col'): number | undefined {
    const ids = side === 'row' ? this.#rowIndex : this.#colIndex;
    if (ids) return ids.get(typeof key === 'string' ? key : String(key));
    return typeof key === 'number' && Number.isInteger(key) && key >= 0 && key < (side === 'row' ? this.rows : this.cols) ? key : undefined;
  }

  /** An index, or −1 (an unknown key under coldStart 'mean': predicted like a row or column never seen). */
  lookUp(key: Key, side: 'row' | 'col', where: string, coldStart: ColdStart): number {
    if (coldStart === 'mean') {
      const ids = side === 'row' ? this.#rowIndex : this.#colIndex;
      const count = side === 'row' ? this.rows : this.cols;
      if (ids ? !ids.has(String(key)) : typeof key === 'number' && Number.isInteger(key) && (key < 0 || key >= count)) return -1;
    }
    return this.indexOf(key, side, where);
  }

  /** A column's key: its id, or its index. */
  colKey(index: number): Key {
    return this.colIds ? this.colIds[index] : index;
  }
}
