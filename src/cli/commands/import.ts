// mfwasm import: a model trained elsewhere, as a model file — Spark's saved ALS model, implicit's saved .npz, or
// LIBMF's text model.
import { readFile } from 'node:fs/promises';
import { Factorization } from '../../index.js';
import { UsageError } from '../args.js';
import { checkOut, FORCE, OUTPUT, say, type Command } from '../common.js';
import { writeModel } from '../files.js';

/** What each kind of file is read with. */
const KINDS = {
  spark: async (path: string, ids: { rowIds?: string[]; colIds?: string[] }, regularization?: number) => {
    if (ids.rowIds || ids.colIds) throw new UsageError('--row-ids/--col-ids: a Spark model names its rows and columns by its own ids; ids are not taken');
    return Factorization.fromSparkALS(path, regularization === undefined ? {} : { regularization });
  },
  implicit: async (path: string, ids: { rowIds?: string[]; colIds?: string[] }) => Factorization.fromImplicit(await readFile(path), ids),
  libmf: async (path: string, ids: { rowIds?: string[]; colIds?: string[] }) => {
    if (ids.rowIds || ids.colIds) throw new UsageError('--row-ids/--col-ids: a LIBMF model names its rows and columns by index; ids are not taken');
    return Factorization.fromLibmf(await readFile(path, 'utf8'));
  },
} as const;

/** Ids from a file of one id per line (blank lines ignored). */
async function idsOf(path: string | undefined): Promise<string[] | undefined> {
  if (path === undefined) return undefined;
  return (await readFile(path, 'utf8')).split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
}

export const importModel: Command = {
  usage: 'mfwasm import <spark|implicit|libmf> <folder or file> [--out model.mfm] [--row-ids users.txt] [--col-ids items.txt]',
  operands: 2,
  description: "Writes a model trained elsewhere as a model file for predict, recommend and the library: Spark's ALSModel.save()\nfolder (or a PipelineModel's, or mllib's), implicit's save() (an .npz of its ALS or BPR) or LIBMF's text model.",
  specs: [
    { name: 'out', short: 'o', type: 'string', help: 'model file to write', default: 'model.mfm' }, FORCE,
    { name: 'row-ids', type: 'string', help: "a file of the rows' ids (users), one a line in the model's order (implicit keeps none: default their indices)" },
    { name: 'col-ids', type: 'string', help: "a file of the columns' ids (items), one a line" },
    { name: 'regularization', type: 'number', help: "spark: λ of the model's fold-in solves (Spark does not save its regParam; default 0.1, Spark's default)" },
    ...OUTPUT,
  ],
  async run({ positional: [kind, file], options: o }) {
    if (!kind || !(kind in KINDS)) throw new UsageError(`import: expected the kind of model first, one of ${Object.keys(KINDS).join(', ')}${kind ? `, got ${JSON.stringify(kind)}` : ''}`);
    if (!file) throw new UsageError(`import ${kind}: which ${kind === 'spark' ? 'folder' : 'file'}? (mfwasm import ${kind} ${{ spark: 'als-model/', implicit: 'model.npz', libmf: 'model.txt' }[kind]})`);
    if (o.regularization !== undefined && kind !== 'spark') throw new UsageError(`--regularization: for spark models only (${kind === 'implicit' ? 'an implicit file carries its own' : 'LIBMF keeps none: fold-in takes its default'})`);
    checkOut(o);
    const [rowIds, colIds] = [await idsOf(o['row-ids'] as string | undefined), await idsOf(o['col-ids'] as string | undefined)];
    let model: Factorization;
    try {
      model = await KINDS[kind as keyof typeof KINDS](file, { ...(rowIds ? { rowIds } : {}), ...(colIds ? { colIds } : {}) }, o.regularization as number);
    } catch (error) {
      // The library names its argument; here it is the file, and the ids are flags.
      if (!(error instanceof UsageError) && !(error as { code?: string }).code) {
        (error as Error).message = `${file}: ${(error as Error).message.replace(/options\.rowIds/, '--row-ids').replace(/options\.colIds/, '--col-ids').replace(/options\.regularization/, '--regularization')}`;
      }
      throw error;
    }
    await writeModel(o.out as string, model);
    say(o.quiet, `${kind} model: ${model.rows} rows × ${model.cols} columns, rank ${model.rank}; wrote ${o.out}`);
  },
};
