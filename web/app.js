// The demo page: training runs in a Web Worker (mfwasm/worker), so the page stays responsive; the loss
// chart is uPlot (a devDependency of the page only).
import uPlot from '../node_modules/uplot/dist/uPlot.esm.js';
import { DEFAULTS, mostPopular, parseRatings, RECOMMENDED_SOLVER, rmse, score, solvers, sumDuplicates, trainTestSplit } from '../dist/browser/index.js';
import { factorizeInWorker } from '../dist/browser/worker.js';
import { lowRankProblem } from './generate.js';

const $ = (id) => document.getElementById(id);
const number = (id) => Number($(id).value);
const state = { problem: null, losses: [], hiddenRmse: [], controller: null, lastFit: null, maps: {}, times: null };
window.mfwasmDemo = state; // read by the browser test

// The matrix section completes ratings and draws the factors: its solvers are the registry's solvers of ratings
// with factors. Each keeps its own step; the seed's full-batch gd (the library's default solver) has a stable
// step that shrinks as rows gain observations (the loss is a sum), so the page leaves it to the library's
// automatic step unless one is typed in.
const RATING_SOLVERS = Object.values(solvers).filter((s) => s.data === 'ratings' && s.factors);
const LEARNING_RATES = Object.fromEntries(RATING_SOLVERS.filter((s) => 'learningRate' in s.options).map((s) => [
  // gd's field starts blank: its automatic step (halved while an epoch would raise the loss) suits every size.
  s.name, s.name === DEFAULTS.solver ? '' : s.options.learningRate.default,
]));
const takesStep = (name) => name in LEARNING_RATES;
const tick = (x) => (x == null ? '' : x >= 1e4 || x < 1e-2 ? x.toExponential(0).replace('e+', 'e') : String(+x.toPrecision(3)));
const format = (x) => (x === undefined || !Number.isFinite(x) ? '—' : Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(3) : x.toPrecision(4));

const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
const MAGMA = [[0, 0, 4], [81, 18, 124], [183, 55, 121], [252, 137, 97], [252, 253, 191]];
function colour(t, palette = VIRIDIS) {
  const x = Math.min(Math.max(t, 0), 1) * (palette.length - 1);
  const i = Math.min(Math.floor(x), palette.length - 2);
  return palette[i].map((c, k) => Math.round(c + (x - i) * (palette[i + 1][k] - c)));
}

/** Smallest and largest finite entries, in one loop (spreading 160,000 values into Math.min overflows the stack). */
function range(...matrices) {
  let low = Infinity;
  let high = -Infinity;
  for (const rows of matrices) for (const row of rows) for (const v of row) {
    if (v < low) low = v;
    if (v > high) high = v;
  }
  return [low, high];
}

/**
 * Draws a matrix at one canvas pixel per entry, scaled up by CSS into a square box with its own aspect ratio kept
 * (object-fit: contain), so a 400×20 matrix is a strip inside the box, not a page-tall map; NaN stays white.
 * Keeps it for hover.
 */
function heatmap(id, rows, low, high, palette) {
  const canvas = $(id);
  const [m, n] = [rows.length, rows[0].length];
  canvas.width = n;
  canvas.height = m;
  const context = canvas.getContext('2d');
  const image = context.createImageData(n, m);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    const v = rows[i][j];
    const [r, g, b] = Number.isNaN(v) ? [255, 255, 255] : colour(high > low ? (v - low) / (high - low) : 0.5, palette);
    image.data.set([r, g, b, 255], 4 * (i * n + j));
  }
  context.putImageData(image, 0, 0);
  state.maps[id] = rows;
}

function scaleBar(id, palette) {
  const canvas = $(id);
  const context = canvas.getContext('2d');
  for (let x = 0; x < canvas.width; x++) {
    context.fillStyle = `rgb(${colour(x / (canvas.width - 1), palette).join(',')})`;
    context.fillRect(x, 0, 1, canvas.height);
  }
}

function drawMaps(approximation) {
  const { truth, mask, observed } = state.problem;
  const [low, high] = approximation ? range(truth, approximation) : range(truth);
  heatmap('mask', mask, 0, 1);
  heatmap('observed-map', observed, low, high);
  heatmap('truth', truth, low, high);
  scaleBar('legend');
  $('legend-range').textContent = `${low.toFixed(2)} … ${high.toFixed(2)}`;
  for (const id of ['approximation', 'error']) {
    const canvas = $(id);
    canvas.getContext('2d').clearRect(0, 0, canvas.width, canvas.height);
    delete state.maps[id];
  }
  // Without a fit the error map and its legend are empty, not the last fit's.
  $('error-range').textContent = '';
  if (approximation) {
    heatmap('approximation', approximation, low, high);
    const error = approximation.map((row, i) => row.map((v, j) => Math.abs(v - truth[i][j])));
    const [, worst] = range(error);
    heatmap('error', error, 0, worst, MAGMA);
    $('error-range').textContent = `0 … ${worst.toFixed(2)}`;
  }
  scaleBar('error-legend', MAGMA);
}

/** Hover: the entry under the pointer, its value on every map. */
function hover(event) {
  const canvas = event.target;
  const rows = state.maps[canvas.id];
  if (!rows) return;
  // The map fills its box along one side and is centred along the other (object-fit: contain).
  const box = canvas.getBoundingClientRect();
  const scale = Math.min(box.width / rows[0].length, box.height / rows.length);
  const left = box.left + (box.width - scale * rows[0].length) / 2;
  const top = box.top + (box.height - scale * rows.length) / 2;
  const i = Math.floor((event.clientY - top) / scale);
  const j = Math.floor((event.clientX - left) / scale);
  if (i < 0 || j < 0 || i >= rows.length || j >= rows[0].length) return;
  const { truth, mask } = state.problem;
  const approximation = state.maps.approximation;
  const tip = $('tip');
  tip.innerHTML = `row ${i}, col ${j} · ${mask[i][j] ? 'observed' : 'hidden'}<br>true ${truth[i][j].toFixed(3)}` +
    (approximation ? ` · approx ${approximation[i][j].toFixed(3)}` : '');
  tip.style.display = 'block';
  tip.style.left = `${Math.min(event.clientX + 12, innerWidth - 230)}px`;
  tip.style.top = `${event.clientY + 12}px`;
}

let chart;
function makeChart() {
  const width = Math.max(280, $('chart').clientWidth || 420);
  chart = new uPlot({
    width,
    height: 260,
    // Before the first run (no data) the axes still stand: epochs 1 to the field's count, a decade of each scale.
    scales: {
      x: { time: false, range: (u, low, high) => (low == null ? [1, Math.max(2, number('epochs'))] : [low, Math.max(high, low + 1)]) },
      loss: { distr: 3, range: (u, low, high) => (low == null ? [1, 10] : uPlot.rangeLog(low, high, 10, true)) },
      rmse: { distr: 3, range: (u, low, high) => (low == null ? [0.1, 1] : uPlot.rangeLog(low, high, 10, true)) },
    },
    axes: [
      { label: 'epoch', size: 40 },
      { scale: 'loss', label: 'loss', size: 64, values: (u, ticks) => ticks.map(tick) },
      { scale: 'rmse', side: 1, label: 'hidden RMSE', size: 60, grid: { show: false }, values: (u, ticks) => ticks.map(tick) },
    ],
    series: [
      { label: 'epoch' },
      { label: 'loss', scale: 'loss', stroke: '#3b528b', width: 2, value: (u, v) => format(v ?? undefined) },
      { label: 'hidden RMSE', scale: 'rmse', stroke: '#e0702a', width: 2, dash: [6, 3], value: (u, v) => format(v ?? undefined) },
    ],
    legend: { live: true },
  }, [[], [], []], $('chart'));
}

let chartPending = false;
function drawChart() {
  chartPending = false;
  const epochs = state.losses.map((_, e) => e + 1);
  chart.setData([epochs, state.losses, state.hiddenRmse.length ? state.hiddenRmse : state.losses.map(() => null)]);
}

function setStatus(text, kind) {
  $('status').textContent = text;
  $('status').dataset.state = kind;
}

function trainingOptions() {
  const solver = $('solver').value;
  const options = { solver, rank: number('rank'), epochs: number('epochs'), backend: $('backend').value, seed: 1, regularization: number('regularization') };
  if (takesStep(solver) && $('learning-rate').value !== '') options.learningRate = number('learning-rate');
  return options;
}

/**
 * A regularization and epoch count that suit the rank for the matrix's observations per row and column: a
 * rank past what they pin down needs a larger λ to stay below the mean's error, and gd more epochs. Set when
 * the rank, the solver or the matrix's shape change; the fields stay the user's to edit.
 */
function suggest() {
  const rank = number('rank');
  const perLine = Math.max(1, Math.min(number('rows'), number('cols')) * number('observed'));
  $('regularization').value = String(+Math.min(1, Math.max(0.01, (0.04 * rank) / perLine)).toPrecision(2));
  $('epochs').value = String($('solver').value === DEFAULTS.solver ? Math.min(300, 30 + 5 * rank) : 30);
}

/** The largest true rank the observations can pin down: about a quarter of a row's or column's observations. */
const trueRankLimit = (rows, cols, observed) => Math.max(1, Math.floor((Math.min(rows, cols) * observed) / 4));

/** The hidden entries with their true values: scored after every epoch (the seed's real question). */
function hiddenEntries() {
  const { truth, mask } = state.problem;
  const rowIndices = [];
  const colIndices = [];
  const values = [];
  mask.forEach((row, i) => row.forEach((seen, j) => {
    if (!seen) {
      rowIndices.push(i);
      colIndices.push(j);
      values.push(truth[i][j]);
    }
  }));
  return values.length ? { rowIndices, colIndices, values } : undefined;
}

function resetResults() {
  state.losses = [];
  state.hiddenRmse = [];
  state.lastFit = null;
  drawChart();
  for (const id of ['m-loss', 'm-train', 'm-hidden']) $(id).textContent = '—';
  $('progress').value = 0;
  $('times').textContent = '';
}

function generate() {
  const settings = { rows: number('rows'), cols: number('cols'), rank: number('true-rank'), observed: number('observed'), noise: number('noise'), seed: number('seed') };
  const limits = { rows: [2, 400], cols: [2, 400], rank: [1, 50], observed: [0.05, 1] };
  for (const [name, [low, high]] of Object.entries(limits)) {
    if (!(settings[name] >= low && settings[name] <= high)) {
      setStatus(`${name}: expected a number from ${low} to ${high}, got ${$(name === 'rank' ? 'true-rank' : name).value || 'nothing'}`, 'error');
      return false;
    }
  }
  // A true rank past what the observations pin down makes a matrix no model completes better than its mean.
  const limit = trueRankLimit(settings.rows, settings.cols, settings.observed);
  const capped = settings.rank > limit;
  if (capped) $('true-rank').value = String((settings.rank = limit));
  state.problem = lowRankProblem(settings);
  const { truth, mask } = state.problem;
  let sum = 0;
  let count = 0;
  mask.forEach((row, i) => row.forEach((seen, j) => seen && (sum += truth[i][j], count++)));
  const mean = sum / count;
  let squared = 0;
  let hidden = 0;
  mask.forEach((row, i) => row.forEach((seen, j) => seen || (squared += (truth[i][j] - mean) ** 2, hidden++)));
  $('m-baseline').textContent = hidden ? format(Math.sqrt(squared / hidden)) : '—';
  resetResults();
  drawMaps(null);
  const note = capped ? ` True rank lowered to ${limit}: ${Math.round(Math.min(settings.rows, settings.cols) * settings.observed)} observations a row or column pin down no more.` : '';
  setStatus(`Generated a ${settings.rows}×${settings.cols} matrix with ${count} observed and ${hidden} hidden entries.${note} Train to fill in the hidden ones.`, 'idle');
  return true;
}

async function train() {
  if (!state.problem && !generate()) return;
  const options = trainingOptions();
  resetResults();
  state.controller = new AbortController();
  $('train').disabled = true;
  $('compare').disabled = true;
  $('cancel').disabled = false;
  setStatus('Training…', 'training');
  const started = performance.now();
  const validation = hiddenEntries();
  try {
    const fit = await factorizeInWorker(state.problem.observed, {
      ...options,
      ...(validation ? { validation, restoreBest: false } : {}),
      signal: state.controller.signal,
      onEpoch: ({ epoch, loss, validationRmse, threads }) => {
        state.threads = threads;
        state.losses.push(loss);
        if (validationRmse !== undefined) state.hiddenRmse.push(validationRmse);
        $('progress').value = (epoch + 1) / options.epochs;
        $('m-loss').textContent = format(loss);
        if (!chartPending) {
          chartPending = true;
          requestAnimationFrame(drawChart);
        }
      },
    });
    const { rows, cols, data } = fit.reconstruct();
    const approximation = Array.from({ length: rows }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));
    drawMaps(approximation);
    drawChart();
    const { truth, mask } = state.problem;
    const errors = { observed: [0, 0], hidden: [0, 0] };
    mask.forEach((row, i) => row.forEach((seen, j) => {
      const e = errors[seen ? 'observed' : 'hidden'];
      e[0] += (approximation[i][j] - truth[i][j]) ** 2;
      e[1]++;
    }));
    const rms = ([sum, count]) => (count ? Math.sqrt(sum / count) : undefined);
    $('m-loss').textContent = format(fit.loss);
    $('m-train').textContent = format(rms(errors.observed));
    $('m-hidden').textContent = format(rms(errors.hidden));
    state.lastFit = { initialLoss: fit.initialLoss, loss: fit.loss, lossHistory: [...fit.lossHistory], options, hiddenRmse: rms(errors.hidden), threads: state.threads };
    const threads = `${state.threads} thread${state.threads === 1 ? '' : 's'}${crossOriginIsolated ? '' : ' (the page is not cross-origin isolated)'}`;
    setStatus(`Done: ${fit.epochs} epochs of ${fit.solver} on ${fit.backend}, ${threads}, in ${(performance.now() - started).toFixed(0)} ms; loss ${format(fit.initialLoss)} → ${format(fit.loss)}.`, 'done');
  } catch (error) {
    drawMaps(null);
    setStatus(error.name === 'AbortError' ? 'Cancelled.' : `${error.name}: ${error.message}`, error.name === 'AbortError' ? 'cancelled' : 'error');
  } finally {
    $('train').disabled = false;
    $('compare').disabled = false;
    $('cancel').disabled = true;
  }
}

/** Time per epoch on each backend: from the first epoch's report to the last, so worker start-up and setup are left out. */
async function compare() {
  if (!state.problem && !generate()) return;
  const options = { ...trainingOptions(), epochs: Math.max(2, number('epochs')) };
  const perEpoch = {};
  // The timing runs are not the fit the maps and figures show: those are cleared, and the status says so.
  resetResults();
  drawMaps(null);
  setStatus(`Timing ${options.solver} on each backend; Train draws a fit.`, 'idle');
  $('compare').disabled = true;
  $('train').disabled = true;
  try {
    // The WASM backend on its default threads and on one, and the pure-JS one (one thread).
    let threads = 1;
    for (const [name, backend, extra] of [['wasm', 'wasm', {}], ['wasm1', 'wasm', { threads: 1 }], ['js', 'js', {}]]) {
      $('times').textContent = `Timing ${name === 'wasm1' ? 'wasm on one thread' : backend}…`;
      const stamps = [];
      await factorizeInWorker(state.problem.observed, {
        ...options, backend, ...extra,
        onEpoch: (report) => {
          stamps.push(performance.now());
          if (name === 'wasm') threads = report.threads;
        },
      });
      perEpoch[name] = (stamps.at(-1) - stamps[0]) / (stamps.length - 1);
    }
    const onThreads = threads > 1 ? `WASM on ${threads} threads ${perEpoch.wasm.toFixed(2)} ms, ` : '';
    $('times').textContent = `${options.solver}, ${options.epochs} epochs, time per epoch (worker start-up and setup left out): ` +
      `${onThreads}WASM ${perEpoch.wasm1.toFixed(2)} ms, pure JS ${perEpoch.js.toFixed(2)} ms — WASM ${(perEpoch.js / perEpoch.wasm1).toFixed(1)}× faster` +
      (threads > 1 ? `, ${(perEpoch.wasm1 / perEpoch.wasm).toFixed(1)}× more on ${threads} threads.` : ' (one thread: this problem is too small to gain from more).');
    state.times = perEpoch;
  } catch (error) {
    $('times').textContent = `${error.name}: ${error.message}`;
  } finally {
    $('compare').disabled = false;
    $('train').disabled = false;
  }
}

async function trainRatings() {
  const out = $('csv-result');
  const kind = $('csv-kind').value; // 'ratings' or 'events'
  const solver = solvers[$('csv-solver').value];
  try {
    // Events: a line per play or click (a count optional); repeats become counts.
    const parsed = parseRatings($('csv').value, kind === 'events' ? { events: true } : {});
    const ratings = kind === 'events' ? sumDuplicates(parsed) : parsed;
    const { train, test } = trainTestSplit(ratings, { testFraction: 0.1, seed: 1, keepEveryRow: true });
    out.textContent = 'Training…';
    const model = await factorizeInWorker(train, { solver: solver.name, ...(solver.factors ? { rank: 10 } : {}), ...(solver.takes.includes('biases') ? { biases: true } : {}) });
    const top = model.recommend($('csv-user').value, 10);
    const cell = (text) => { const td = document.createElement('td'); td.textContent = text; return td; };
    if (kind === 'events') {
      const metrics = ['precision@10', 'ndcg@10', 'auc'];
      const ours = score(model, test, metrics);
      const popular = score(mostPopular(train), test, metrics);
      out.innerHTML = `<p>${parsed.values.length} events (${ratings.values.length} user–item pairs), ${ratings.rows} users × ${ratings.cols} items. ` +
        `On a held-out tenth (training events left out): precision@10 <b id="csv-precision">${ours['precision@10'].toFixed(4)}</b>, ` +
        `nDCG@10 <b>${ours['ndcg@10'].toFixed(4)}</b>, AUC <b>${ours.auc.toFixed(3)}</b> — most popular: ` +
        `${popular['precision@10'].toFixed(4)}, ${popular['ndcg@10'].toFixed(4)}, ${popular.auc.toFixed(3)}.</p>`;
    } else {
      out.innerHTML = `<p>${ratings.values.length} ratings, ${ratings.rows} users × ${ratings.cols} items. Test RMSE on a held-out tenth: <b id="csv-rmse">${rmse(model, test).toFixed(4)}</b></p>`;
    }
    const table = document.createElement('table');
    // A rating's ranking score is shown within the ratings' range (clipping keeps the order); events' as they are.
    table.innerHTML = '<tr><th>item</th><th>score</th></tr>';
    let [low, high] = [Infinity, -Infinity];
    for (const x of ratings.values) [low, high] = [Math.min(low, x), Math.max(high, x)];
    for (const r of top) {
      const tr = document.createElement('tr');
      const shown = kind === 'events' ? r.score : Math.min(high, Math.max(low, r.score));
      tr.append(cell(String(r.col)), Object.assign(cell(shown.toFixed(2)), { className: 'num' }));
      table.append(tr);
    }
    out.append(table);
  } catch (error) {
    out.textContent = `${error.name}: ${error.message}`;
  }
}

function sampleRatings() {
  const { truth, mask } = lowRankProblem({ rows: 60, cols: 40, rank: 3, observed: 0.3, noise: 0.1, seed: 7 });
  const lines = ['user,item,rating'];
  truth.forEach((row, i) => row.forEach((x, j) => mask[i][j] && lines.push(`u${i},i${j},${Math.min(5, Math.max(1, 3 + x)).toFixed(1)}`)));
  return lines.join('\n');
}

/** Plays from the same low-rank tastes: a user plays the items they like best, the best ones more than once. */
function sampleEvents() {
  const { truth } = lowRankProblem({ rows: 80, cols: 50, rank: 3, observed: 1, noise: 0.3, seed: 9 });
  const lines = ['user,item'];
  truth.forEach((row, i) => row.forEach((x, j) => {
    for (let play = 0.6; play < x; play += 0.5) lines.push(`u${i},i${j}`);
  }));
  return lines.join('\n');
}

/** Each solver keeps its own learning rate; a solver with no step has the field disabled. */
function onSolver() {
  const solver = $('solver').value;
  const field = $('learning-rate');
  field.disabled = !takesStep(solver);
  field.value = takesStep(solver) ? String(LEARNING_RATES[solver]) : '';
  field.placeholder = takesStep(solver) ? 'automatic' : '';
}

/** The CSV section's solvers: the registry's for the chosen kind of data, the recommended one selected. */
function fillCsvSolvers() {
  const kind = $('csv-kind').value;
  const select = $('csv-solver');
  select.replaceChildren(...Object.values(solvers).filter((s) => s.data === kind).map((s) =>
    Object.assign(document.createElement('option'), { value: s.name, textContent: s.name, title: s.summary })));
  select.value = RECOMMENDED_SOLVER[kind];
}

/** The solver list, from the registry: the recommended one first and selected, each with its summary. */
function fillSolvers() {
  const select = $('solver');
  const ordered = [...RATING_SOLVERS].sort((a, b) => (b.name === RECOMMENDED_SOLVER.ratings) - (a.name === RECOMMENDED_SOLVER.ratings));
  select.replaceChildren(...ordered.map((s) => Object.assign(document.createElement('option'), {
    value: s.name, textContent: s.name === DEFAULTS.solver ? `${s.name} (the seed's)` : s.name, title: s.summary,
  })));
  select.value = RECOMMENDED_SOLVER.ratings;
}

$('generate').addEventListener('click', generate);
// Enter in a field of a section does what its button does: generate, train, or train on the pasted data.
for (const [section, action] of [['#generate', generate], ['#train', train], ['#csv-train', trainRatings]]) {
  $(section.slice(1)).closest('fieldset').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && event.target instanceof HTMLInputElement && !$(section.slice(1)).disabled) action();
  });
}
$('train').addEventListener('click', train);
$('cancel').addEventListener('click', () => state.controller?.abort());
$('compare').addEventListener('click', compare);
$('csv-train').addEventListener('click', trainRatings);
$('csv-kind').addEventListener('change', () => {
  $('csv').value = $('csv-kind').value === 'events' ? sampleEvents() : sampleRatings();
  $('csv-result').textContent = '';
  fillCsvSolvers();
});
$('solver').addEventListener('change', () => {
  onSolver();
  suggest();
});
for (const id of ['rank', 'rows', 'cols', 'observed']) $(id).addEventListener('change', suggest);
$('learning-rate').addEventListener('change', () => {
  if (takesStep($('solver').value)) LEARNING_RATES[$('solver').value] = $('learning-rate').value === '' ? '' : number('learning-rate');
});
for (const id of ['mask', 'observed-map', 'truth', 'approximation', 'error']) {
  $(id).addEventListener('mousemove', hover);
  $(id).addEventListener('mouseleave', () => ($('tip').style.display = 'none'));
}
$('file').addEventListener('change', async () => {
  const file = $('file').files[0];
  if (file) $('csv').value = await file.text();
});
addEventListener('resize', () => chart.setSize({ width: Math.max(280, $('chart').clientWidth), height: 260 }));
$('csv').value = sampleRatings();
fillSolvers();
fillCsvSolvers();
onSolver();
makeChart();
generate();
