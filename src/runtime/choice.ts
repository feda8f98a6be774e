// Whether a workspace's short runs go faster on its threads or on the calling thread alone, found by timing both.
//
// On an idle machine two threads win even on runs of a few hundred microseconds. Beside a busy process they can
// lose: three runnable threads share two cores, and between small phases a helper spins or sleeps and is woken
// late; the caller then hardly waits at any one barrier (the starvation rule in threads.ts does not see it), yet
// every run is slower than alone. Calls and scratch do not depend on who runs them, so either choice keeps every
// bit of the results, and the choice may follow the machine's load: now and then a few runs of one shape are
// timed the other way, and the faster way is kept.

import type { Phase } from './kernels.js';

/**
 * Runs of one shape timed each way before a choice, their means compared: beside a busy process one run's time
 * varies by more than the difference to be found, and what threads lose there is mostly in a few runs that wait
 * milliseconds for a helper kept off its core (a median would not see them).
 */
const SAMPLES = 7;
/**
 * A look ends after its first run when it is this much slower, or after three this much slower on average: where
 * threads win, alone is ~1.5–1.9×; beside a busy process, alone is rarely slower at all.
 */
const CLEARLY_SLOWER_ONE = 1.5;
const CLEARLY_SLOWER = 1.25;
/** Only runs this short are timed the other way: a longer one alone costs too much where threads win. */
const SHORT_RUN_MS = 2;
/** Run time before the first look (a fit of a few milliseconds is left on its threads). */
const FIRST_LOOK_MS = 10;
/**
 * Run time from a look to the next: soon after a change of way (the runs it was judged on may have been a process's
 * first, slower on threads while V8 compiles), twice as long after each look that kept it, up to the longest.
 */
const LOOK_AGAIN_MS = 20;
const LONGEST_WAIT_MS = 400;
/** And at least as long as keeps the time a look lost (its runs against the way taken) to this share of it. */
const LOOK_SHARE = 0.02;
/** Shapes of run a workspace keeps times of: a solver's runs are of a few. */
const MAX_SHAPES = 64;
/** The other way is taken only when it is this much faster: two nearly equal ways are not swapped back and forth. */
const MARGIN = 0.97;

type Way = 'threads' | 'alone';

/** The last runs' times of one shape of run, each way. */
interface Times {
  threads: number[];
  alone: number[];
}

export class ThreadChoice {
  #way: Way = 'threads';
  readonly #times = new Map<number, Times>();
  /** Run time so far, when the next look may start, and the wait after the last one. */
  #elapsed = 0;
  #lookFrom = FIRST_LOOK_MS;
  #wait = LOOK_AGAIN_MS;
  /**
   * A look found the other way faster: the runs of its shape are timed afresh the way they go before it is taken, so
   * that what it beat was not a moment's hiccup.
   */
  #confirming = false;

  /** The way runs go, unless one is being timed the other way. */
  get way(): Way {
    return this.#way;
  }

  /** Whether the next run of this shape goes on the calling thread alone. */
  alone(shape: number): boolean {
    if (this.#confirming || this.#elapsed < this.#lookFrom) return this.#way === 'alone';
    const times = this.#timesOf(shape);
    const current = times[this.#way];
    const looking = current.length === SAMPLES && mean(current) <= SHORT_RUN_MS &&
      times[otherThan(this.#way)].length < SAMPLES;
    return (looking ? otherThan(this.#way) : this.#way) === 'alone';
  }

  /** A run's time (ms), on the threads or alone. */
  timed(shape: number, alone: boolean, ms: number): void {
    this.#elapsed += ms;
    const times = this.#timesOf(shape);
    const list = times[alone ? 'alone' : 'threads'];
    list.push(ms);
    if (list.length > SAMPLES) list.shift();
    const current = times[this.#way];
    const other = times[otherThan(this.#way)];
    const clearlySlower = other.length === 1 ? CLEARLY_SLOWER_ONE : other.length === 3 ? CLEARLY_SLOWER : Infinity;
    if (current.length === SAMPLES && mean(other) > clearlySlower * mean(current)) return this.#looked(false, lost(other, current));
    // Both full: a look has just ended, or the fresh runs after it have.
    if (current.length < SAMPLES || other.length < SAMPLES) return;
    const faster = mean(other) < MARGIN * mean(current);
    if (faster && !this.#confirming) {
      this.#confirming = true;
      times[this.#way] = [];
      return;
    }
    this.#looked(faster, faster ? 0 : lost(other, current));
  }

  /**
   * A look is over: the way changes or not, and the way not taken is timed afresh at the next look. `lost`: what the
   * look's runs took beyond the way kept (ms).
   */
  #looked(change: boolean, lost: number): void {
    if (change) this.#way = otherThan(this.#way);
    this.#confirming = false;
    const notTaken = otherThan(this.#way);
    for (const each of this.#times.values()) each[notTaken] = [];
    this.#wait = change ? LOOK_AGAIN_MS : Math.max(Math.min(2 * this.#wait, LONGEST_WAIT_MS), lost / LOOK_SHARE);
    this.#lookFrom = this.#elapsed + this.#wait;
  }

  #timesOf(shape: number): Times {
    let times = this.#times.get(shape);
    if (!times) {
      // A run whose arguments change every time (a counter among them) would add a shape a run, never compared.
      if (this.#times.size >= MAX_SHAPES) {
        this.#times.clear();
        this.#confirming = false;
      }
      this.#times.set(shape, (times = { threads: [], alone: [] }));
    }
    return times;
  }
}

function otherThan(way: Way): Way {
  return way === 'threads' ? 'alone' : 'threads';
}

/**
 * What makes runs alike, as a number (a hash: two shapes that share one only have their times compared together):
 * each phase's number of calls and its first call's kernel and whole-number arguments (buffers and sizes, where ALS's
 * two halves differ; a learning rate, which may change from run to run, is left out). About a microsecond a run
 * as a string; this is a few tens of nanoseconds.
 */
export function shapeOf(phases: readonly Phase[]): number {
  let shape = phases.length;
  for (const phase of phases) {
    shape = (Math.imul(shape, 31) + phase.length) | 0;
    const call = phase[0];
    if (!call) continue;
    const name = call[0];
    shape = (Math.imul(shape, 31) + name.length * 256 + name.charCodeAt(name.length - 1)) | 0;
    for (let a = 1; a < call.length; a++) {
      const argument = call[a] as number;
      if (Number.isInteger(argument)) shape = (Math.imul(shape, 31) + argument) | 0;
    }
  }
  return shape;
}

/** What runs of the way not taken took beyond as many of the way taken (ms; 0 when they were faster). */
function lost(notTaken: readonly number[], taken: readonly number[]): number {
  return Math.max(0, notTaken.length * (mean(notTaken) - mean(taken)));
}

function mean(list: readonly number[]): number {
  let sum = 0;
  for (const ms of list) sum += ms;
  return sum / list.length;
}
