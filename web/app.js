// The demo page: everything heavy runs in a Web Worker (mfwasm/worker), so the page stays responsive.
import { parseRatings, rmse, trainTestSplit } from '../dist/browser/index.js';
import { factorizeInWorker } from '../dist/browser/worker.js';
import { lowRankProblem } from './generate.js';

const $ = (id) => document.getElementById(id);
const number = (id) => Number($(id).value);
const state = { problem: null, losses: [], controller: null, lastFit: null };
window.mfwasmDemo = state; // read by the browser test

const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
function colour(t) {
  const x = Math.min(Math.max(t, 0), 1) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(x), VIRIDIS.length - 2);
  return VIRIDIS[i].map((c, k) => Math.round(c + (x - i) * (VIRIDIS[i + 1][k] - c)));
}

/** Draws a matrix on a canvas, one block per entry; NaN stays blank (white). */
function heatmap(canvas, rows, low, high) {
  const context = canvas.getContext('2d');
  const [m, n] = [rows.length, rows[0].length];
  const image = context.createImageData(n, m);
  rows.forEach((row, i) => row.forEach((v, j) => {
    const [r, g, b] = Number.isNaN(v) ? [255, 255, 255] : colour(high > low ? (v - low) / (high - low) : 0.5);
    image.data.set([r, g, b, 255], 4 * (i * n + j));
  }));
  const scratch = new OffscreenCanvas(n, m);
  scratch.getContext('2d').putImageData(image, 0, 0);
  context.imageSmoothingEnabled = false;
  context.clearRect(0, 0, canvas.width, canvas.height);
  context.drawImage(scratch, 0, 0, canvas.width, canvas.height);
}

function drawMaps(approximation) {
  const { truth, mask, observed } = state.problem;
  const values = truth.flat().concat(approximation ? approximation.flat() : []);
  const [low, high] = [Math.min(...values), Math.max(...values)];
  heatmap($('mask'), mask, 0, 1);
  heatmap($('observed-map'), observed, low, high);
  heatmap($('truth'), truth, low, high);
  if (approximation) heatmap($('approximation'), approximation, low, high);
  const legend = $('legend').getContext('2d');
  for (let x = 0; x < 320; x++) {
    legend.fillStyle = `rgb(${colour(x / 319).join(',')})`;
    legend.fillRect(x, 0, 1, 14);
  }
  $('legend-range').textContent = `${low.toFixed(2)} … ${high.toFixed(2)}`;
}

let curvePending = false;
function drawCurve() {
  curvePending = false;
  const canvas = $('loss');
  const context = canvas.getContext('2d');
  context.clearRect(0, 0, canvas.width, canvas.height);
  const logs = state.losses.filter((l) => l > 0).map(Math.log10);
  if (logs.length < 2) return;
  const [low, high] = [Math.min(...logs), Math.max(...logs)];
  context.strokeStyle = '#3b528b';
  context.lineWidth = 2;
  context.beginPath();
  logs.forEach((l, e) => {
    const x = 8 + (e / (logs.length - 1)) * (canvas.width - 16);
    const y = 8 + (high > low ? (high - l) / (high - low) : 0.5) * (canvas.height - 24);
    e === 0 ? context.moveTo(x, y) : context.lineTo(x, y);
  });
  context.stroke();
  context.fillStyle = '#444';
  context.fillText(`${10 ** high > 1e3 ? (10 ** high).toExponential(1) : (10 ** high).toFixed(3)} → ${(10 ** logs.at(-1)).toExponential(2)}`, 8, canvas.height - 4);
}

function setStatus(text, kind) {
  $('status').textContent = text;
  $('status').dataset.state = kind;
}

function trainingOptions() {
  const solver = $('solver').value;
  const options = { solver, rank: number('rank'), epochs: number('epochs'), backend: $('backend').value, seed: 1, regularization: number('regularization') };
  if (solver !== 'als') options.learningRate = number('learning-rate');
  return options;
}

function generate() {
  state.problem = lowRankProblem({
    rows: number('rows'), cols: number('cols'), rank: number('true-rank'), observed: number('observed'), noise: number('noise'), seed: number('seed'),
  });
  state.losses = [];
  drawCurve();
  $('approximation').getContext('2d').clearRect(0, 0, 170, 170);
  drawMaps(null);
  setStatus('Generated. Train to fill in the blanks.', 'idle');
}

async function train() {
  if (!state.problem) generate();
  const options = trainingOptions();
  state.losses = [];
  state.controller = new AbortController();
  $('train').disabled = true;
  $('cancel').disabled = false;
  setStatus('Training…', 'training');
  const started = performance.now();
  try {
    const fit = await factorizeInWorker(state.problem.observed, {
      ...options,
      signal: state.controller.signal,
      onEpoch: ({ epoch, loss }) => {
        state.losses.push(loss);
        $('progress').value = (epoch + 1) / options.epochs;
        if (!curvePending) {
          curvePending = true;
          requestAnimationFrame(drawCurve);
        }
      },
    });
    const { rows, cols, data } = fit.reconstruct();
    drawMaps(Array.from({ length: rows }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols))));
    drawCurve();
    state.lastFit = { initialLoss: fit.initialLoss, loss: fit.loss, lossHistory: [...fit.lossHistory], options };
    setStatus(`Done: ${fit.epochs} epochs of ${fit.solver} on ${fit.backend} in ${(performance.now() - started).toFixed(0)} ms; loss ${fit.initialLoss.toPrecision(4)} → ${fit.loss.toPrecision(4)}.`, 'done');
  } catch (error) {
    setStatus(error.name === 'AbortError' ? 'Cancelled.' : `${error.name}: ${error.message}`, error.name === 'AbortError' ? 'cancelled' : 'error');
  } finally {
    $('train').disabled = false;
    $('cancel').disabled = true;
  }
}

async function compare() {
  if (!state.problem) generate();
  const options = trainingOptions();
  const times = {};
  for (const backend of ['wasm', 'js']) {
    $('times').textContent = `Timing ${backend}…`;
    const started = performance.now();
    await factorizeInWorker(state.problem.observed, { ...options, backend });
    times[backend] = performance.now() - started;
  }
  $('times').textContent = `Same run, in a worker: WASM ${times.wasm.toFixed(0)} ms, pure JS ${times.js.toFixed(0)} ms (${(times.js / times.wasm).toFixed(1)}×; includes starting the worker).`;
  state.times = times;
}

async function trainRatings() {
  const out = $('csv-result');
  try {
    const ratings = parseRatings($('csv').value);
    const { train, test } = trainTestSplit(ratings, { testFraction: 0.1, seed: 1, keepEveryRow: true });
    out.textContent = 'Training…';
    const model = await factorizeInWorker(train, { solver: 'als', rank: Math.min(10, number('rank') + 2), biases: true });
    const top = model.recommend($('csv-user').value, 10);
    out.innerHTML = `<p>${ratings.values.length} ratings, ${ratings.rows} users × ${ratings.cols} items. Test RMSE on a held-out tenth: <b id="csv-rmse">${rmse(model, test).toFixed(4)}</b></p>` +
      `<table><tr><th>item</th><th>predicted</th></tr>${top.map((r) => `<tr><td>${r.col}</td><td>${r.score.toFixed(2)}</td></tr>`).join('')}</table>`;
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

$('generate').addEventListener('click', generate);
$('train').addEventListener('click', train);
$('cancel').addEventListener('click', () => state.controller?.abort());
$('compare').addEventListener('click', compare);
$('csv-train').addEventListener('click', trainRatings);
$('file').addEventListener('change', async () => {
  const file = $('file').files[0];
  if (file) $('csv').value = await file.text();
});
$('csv').value = sampleRatings();
generate();
