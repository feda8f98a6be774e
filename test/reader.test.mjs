// The ratings reader against a plain split-and-Number() reading of the same lines: its one-pass path for the
// common `id,id,value` lines and its general path for every other line must read the same ratings and pass over
// the same bad lines, whatever the chunks the bytes come in; and its newline count against a byte-by-byte one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { linesIn, RatingsReader } from '../dist/input/reader.js';
import { Random } from '../dist/math/rng.js';

/**
 * A line's first `count` fields as CSV quotes them, read a character at a time: a field that begins (after blanks)
 * with a quote runs to its closing quote, two quotes inside standing for one, and is followed by blanks and the
 * delimiter or the line's end; null for a quote left open or text after a closing one. Unquoted fields as split().
 */
function quotedFields(text, delimiter, count) {
  const blankRun = delimiter === ' ';
  const isBlank = (c) => c === ' ' || c === '\t';
  const fields = [];
  let i = 0;
  for (;;) {
    let j = i;
    while (j < text.length && isBlank(text[j]) && (blankRun || !text.startsWith(delimiter, j))) j++;
    if (text[j] === '"') {
      let k = j + 1;
      let inside = '';
      for (;;) {
        if (k >= text.length) return null;
        if (text[k] === '"') {
          if (text[k + 1] !== '"') break;
          inside += '"';
          k += 2;
        } else inside += text[k++];
      }
      fields.push(inside);
      let m = k + 1;
      while (m < text.length && isBlank(text[m]) && (blankRun || !text.startsWith(delimiter, m))) m++;
      if (m >= text.length || fields.length === count && (blankRun ? m > k + 1 : text.startsWith(delimiter, m))) return fields;
      if (blankRun ? m === k + 1 : !text.startsWith(delimiter, m)) return null;
      i = blankRun ? m : m + delimiter.length;
      continue;
    }
    let end = i;
    if (blankRun) while (end < text.length && !isBlank(text[end])) end++;
    else end = text.indexOf(delimiter, i) < 0 ? text.length : text.indexOf(delimiter, i);
    fields.push(text.slice(i, end).trim());
    if (end >= text.length || fields.length === count) return fields;
    i = end + (blankRun ? 0 : delimiter.length);
    if (blankRun) while (i < text.length && isBlank(text[i])) i++;
  }
}

/** What a line should read as: fields split on the delimiter (quotes as CSV's), blanks trimmed, ids as written, Number() of the value. */
function reference(lines, delimiter) {
  const rows = new Map();
  const cols = new Map();
  const read = { rowIndices: [], colIndices: [], values: [], skipped: 0 };
  const indexOf = (map, id) => {
    if (!map.has(id)) map.set(id, map.size);
    return map.get(id);
  };
  for (const line of lines) {
    const text = line.replace(/\r$/, '').trim();
    if (text === '') continue;
    const fields = quotedFields(text, delimiter, 3) ?? [];
    const value = fields.length < 3 || fields[2] === '' ? NaN : Number(fields[2]);
    if (fields.length < 3 || fields[0] === '' || fields[1] === '' || !Number.isFinite(value)) {
      read.skipped++;
      continue;
    }
    read.rowIndices.push(indexOf(rows, fields[0]));
    read.colIndices.push(indexOf(cols, fields[1]));
    read.values.push(value);
  }
  return { ...read, rowIds: [...rows.keys()], colIds: [...cols.keys()] };
}

/** An id: mostly plain integers, some with a leading zero, more than 7 digits, or not numbers. */
function id(random) {
  const kind = random.uint32() % 10;
  const number = random.uint32() % 1000;
  if (kind === 0) return `0${number}`;
  if (kind === 1) return `${123456789 + number}`;
  if (kind === 2) return `u${number}`;
  return String(number);
}

/** A value: mostly plain decimals, some signed, with exponents, long, or blank-padded. */
function value(random) {
  const kind = random.uint32() % 12;
  const plain = ((random.uint32() % 100) / 4).toString();
  if (kind === 0) return `-${plain}`;
  if (kind === 1) return `+${plain}`;
  if (kind === 2) return `${plain}e1`;
  if (kind === 3) return '1234567.123456789';
  if (kind === 4) return `.${random.uint32() % 10}`;
  if (kind === 5) return `${random.uint32() % 10}.`;
  return plain;
}

for (const delimiter of [',', '\t', ' ', ';', '::']) {
  test(`the one-pass and general readings agree, delimiter ${JSON.stringify(delimiter)}, in chunks of any size`, () => {
    const random = new Random(delimiter.charCodeAt(0));
    const lines = [];
    for (let n = 0; n < 3000; n++) {
      const kind = random.uint32() % 20;
      const sep = delimiter === ' ' && kind === 0 ? '  \t' : delimiter;
      let line = [id(random), id(random), value(random)].join(sep);
      if (kind === 1) line += `${delimiter}1260759144`; // a further field (MovieLens' timestamp)
      if (kind === 2) line += '\r';
      if (kind === 3) line = `  ${line}`;
      if (kind === 4) line += ' ';
      if (kind === 5) line = '';
      if (kind === 6) line += delimiter;
      if (kind === 7) line += ':x'; // a stray colon: for '::' part of the value field, which is then bad
      if (kind === 8) line = line.replace(delimiter, `${delimiter}:`); // '1:::2': the column id is ':2' for '::'
      // Fields as CSV quotes them: plain, holding the delimiter or a doubled quote, blank-padded, or malformed.
      if (kind === 9) line = `"${id(random)}"${sep}"${id(random)}${delimiter}x"${sep}"${value(random)}"`;
      if (kind === 10) line = ` "a ""${id(random)}"" b" ${sep}${id(random)}${sep} "${value(random)}" `;
      if (kind === 11) line = [`"${id(random)}`, `"${id(random)}"x`, `""`, `${id(random)}"x`][random.uint32() % 4] + `${sep}${id(random)}${sep}${value(random)}`;
      lines.push(line);
    }
    const text = new TextEncoder().encode(lines.join('\n'));
    const expected = reference(lines, delimiter);
    for (const chunk of [1, 7, 64, 4096, text.length]) {
      // Told to expect the lines there are, or (chunks of 7) far fewer: the arrays then grow as they fill.
      const reader = new RatingsReader({ delimiter, header: false, skipBadLines: true }, chunk === 7 ? 16 : linesIn(text));
      for (let at = 0; at < text.length; at += chunk) reader.feed(text.subarray(at, at + chunk));
      const read = reader.ratings();
      assert.equal([...read.rowIndices], expected.rowIndices, `chunk ${chunk}: row indices`);
      assert.equal([...read.colIndices], expected.colIndices, `chunk ${chunk}: column indices`);
      assert.equal([...read.values], expected.values, `chunk ${chunk}: values`);
      assert.equal(read.rowIds, expected.rowIds, `chunk ${chunk}: row ids`);
      assert.equal(read.colIds, expected.colIds, `chunk ${chunk}: column ids`);
      assert.is(reader.skipped, expected.skipped, `chunk ${chunk}: bad lines passed over`);
    }
  });
}

test('a bad line is named by its number, whichever path it meets', () => {
  const reader = new RatingsReader({ delimiter: ',', header: false }, 4);
  assert.throws(() => reader.feed(new TextEncoder().encode('1,2,3\n4,5,6\n7,8,x\n')), /line 3: expected a row id, a column id and a number, got "7,8,x"/);
});

test('a model file given as ratings is named as one; an id that begins like it is an id', async () => {
  const { factorize } = await import('../dist/index.js');
  const model = await factorize({ rows: 2, cols: 2, rowIndices: [0, 1], colIndices: [0, 1], values: [1, 2] }, { rank: 1, epochs: 1 });
  for (const header of [false, undefined]) {
    const reader = new RatingsReader({ header }, 4);
    assert.throws(() => {
      reader.feed(model.toBytes());
      reader.ratings();
    }, /^line 1: this is an mfwasm model file \(it begins "MWFM"\), not ratings/);
  }
  const reader = new RatingsReader({ delimiter: ',', header: false }, 4);
  reader.feed(new TextEncoder().encode('MWFM\x03,item,4\nMWFM,item,5\n'));
  assert.equal(reader.ratings().rowIds, ['MWFM\x03', 'MWFM']);
});

test('ids that are not UTF-8 text are an error naming the line (Latin-1 café and cafè would read as one id)', () => {
  const latin1 = Uint8Array.from('user,item,rating\nab,x,4\ncaf\xe9,x,4\ncaf\xe8,y,2\n', (c) => c.charCodeAt(0));
  for (const skipBadLines of [false, true]) {
    const reader = new RatingsReader({ skipBadLines }, 8);
    assert.throws(() => {
      reader.feed(latin1);
      reader.ratings();
    }, /^line 3: the id "caf\uFFFD" is not UTF-8 text \(Latin-1 or another encoding\?\); save the file as UTF-8/);
  }
  const reader = new RatingsReader({}, 8);
  reader.feed(new TextEncoder().encode('user,item,rating\ncafé,x,4\ncafè,"Ünï, ©",2\n'));
  const read = reader.ratings();
  assert.equal(read.rowIds, ['café', 'cafè']);
  assert.equal(read.colIds, ['x', 'Ünï, ©']);
});

test('newlines counted four bytes at a time equal a count byte by byte, at any alignment', () => {
  const random = new Random(5);
  const alphabet = [10, 11, 9, 0x8a, 0x0b, 255, 0, 49, 10];
  for (let trial = 0; trial < 5000; trial++) {
    const length = random.uint32() % 40;
    const bytes = Uint8Array.from({ length: length + 4 }, () => alphabet[random.uint32() % alphabet.length]);
    const offset = random.uint32() % 4;
    const view = bytes.subarray(offset, offset + length);
    let count = 1;
    for (const byte of view) if (byte === 10) count++;
    assert.is(linesIn(view), count);
  }
});

test.run();
