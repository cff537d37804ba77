// The README's sizes come from the build, never typed by hand: the table of built files (OUTPUTS in
// esbuild.config.mjs, between the `outputs` markers) and the size cell of shoptrack's rows in the
// benchmark table. `npm run sizes` writes them after a build; `--check` (run by `npm test`) fails when the
// README differs from what the build in dist/ measures.
import { readFileSync, writeFileSync } from 'node:fs';
import { GATES, OUTPUTS, gz } from '../esbuild.config.mjs';

const README = 'README.md';
const START = '<!-- outputs:start (scripts/readme-sizes.mjs writes this table from the build) -->';
const END = '<!-- outputs:end -->';

const kb = (bytes) => (bytes / 1024).toFixed(2) + ' KB';

/** The size cell of an output: its min+gzip size, and its gate when it has one. */
export function sizeCell(o, bytes) {
  if (!o.size) return '—';
  const gate = GATES[o.file];
  return kb(bytes) + (gate ? ' (gate ' + gate / 1024 + ' KB)' : '');
}

export function render(text, sizes) {
  const table = [
    '| file | what | min+gzip |',
    '| --- | --- | --- |',
    ...OUTPUTS.map((o) => '| `' + o.file + '` | ' + o.what + ' | ' + sizeCell(o, sizes[o.file]) + ' |'),
  ].join('\n');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(README + ': the markers of the outputs table are missing');
  let out = text.slice(0, a + START.length) + '\n' + table + '\n' + text.slice(b);
  for (const o of OUTPUTS.filter((x) => x.bench)) {
    const row = new RegExp('^(\\| ' + o.bench.replace(/[()]/g, '\\$&') + ' \\| )[^|]*( \\|)', 'm');
    if (!row.test(out)) throw new Error(README + ': no benchmark row "' + o.bench + '"');
    out = out.replace(row, '$1' + kb(sizes[o.file]) + '$2');
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = Object.fromEntries(OUTPUTS.filter((o) => o.size).map((o) => [o.file, gz(o.file)]));
  const text = readFileSync(README, 'utf8');
  const next = render(text, sizes);
  if (process.argv.includes('--check')) {
    if (next != text) {
      console.log('README sizes differ from the build in dist/: run `npm run sizes` and commit README.md');
      process.exit(1);
    }
    console.log('README sizes: as built');
  } else if (next != text) {
    writeFileSync(README, next);
    console.log('README sizes: updated from the build');
  } else console.log('README sizes: as built');
}
