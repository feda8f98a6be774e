// The registry: solver name → module. Adding a solver is its module here, its kernels in assembly/ with
// their TS twins in src/backends/js/, and one line below.
import { als } from './als.js';
import { gd } from './gd.js';
import { ials } from './ials.js';
import { sgd } from './sgd.js';
import type { SolverModule } from './solver.js';
import type { Solver } from '../types.js';

export const SOLVERS: Readonly<Record<Solver, SolverModule>> = Object.freeze({ gd, sgd, als, ials });
export const SOLVER_NAMES = Object.keys(SOLVERS) as Solver[];

export type { Awaitable, FactorView, FoldInput, Run, RunSpec, Shape, SolverModule } from './solver.js';
