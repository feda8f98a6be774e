// The metrics a validation set is scored by after every epoch: RMSE for a model of ratings, precision@10 for
// one of events. A solver module names its own.
import { rmse } from '../math/predict.js';
import { columnsByRow, rankingMetricsOf } from '../math/ranking.js';
import type { ValidationMetric } from './solver.js';

/** RMSE of the predictions on the held-out values (lower is better). */
export const rmseMetric: ValidationMetric = {
  name: 'rmse',
  higherIsBetter: false,
  scorer: (validation, _observed, parameters) => (view) => rmse(parameters(view), validation),
};

/** precision@10 on held-out observations, each row's training columns and columns never seen left out. */
export const precisionMetric: ValidationMetric = {
  name: 'precision@10',
  higherIsBetter: true,
  scorer(validation, observed, parameters, scorerOf) {
    const relevant = columnsByRow(validation.rowIndex, validation.colIndex);
    return async (view) => {
      const p = parameters(view);
      // Every column scored for every validation row: on the fit's backend, over this epoch's factors.
      const scorer = await scorerOf(p.H, p.cols, p.width);
      try {
        const scoresOf = (row: number) => {
          const scores = scorer.scores(p.W.subarray(row * p.width, (row + 1) * p.width), p.offset);
          for (let j = 0; j < p.cols; j++) if (!(p.colCounts[j] > 0)) scores[j] = NaN;
          for (let t = observed.rowStart[row]; t < observed.rowStart[row + 1]; t++) scores[observed.colIndex[t]] = NaN;
          return scores;
        };
        return rankingMetricsOf(relevant, scoresOf, 10, p.cols, false).precision;
      } finally {
        scorer.close();
      }
    };
  },
};
