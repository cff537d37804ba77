// `npm run bench:first-card` (and the end of `npm run bench`): how soon a shop's home page shows its first
// recommendation card, with the widgets as a chunk (dist/shoptrack.js and dist/shoptrack-widgets.js, as
// shipped) against the same code with the widgets inside the blocking script (the shape before the
// chunk, built here from bench/entries/shoptrack-inline.ts). Each page load is a fresh browser context
// on a page of 127.0.0.1 whose DataCue stand-in answers the home page view with recommendations; the
// two are interleaved, ROUNDS each. Writes bench/first-card.md and prints it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { launch } from '../test/browser/chromium';

const ROUNDS = Number(process.env.BENCH_ROUNDS_FIRST_CARD) || 20;

const inline = (
  await build({
    entryPoints: ['bench/entries/shoptrack-inline.ts'],
    bundle: true,
    minify: true,
    target: ['es2021'],
    format: 'iife',
    legalComments: 'none',
    write: false,
  })
).outputFiles[0].text;

/** What each variant's page loads: its script tag, and the files beside it. */
const VARIANTS: { [name: string]: { [file: string]: string } } = {
  chunk: {
    'shoptrack.js': readFileSync('dist/shoptrack.js', 'utf8'),
    'shoptrack-widgets.js': readFileSync('dist/shoptrack-widgets.js', 'utf8'),
    'shoptrack-send.js': readFileSync('dist/shoptrack-send.js', 'utf8'),
  },
  inline: { 'shoptrack.js': inline, 'shoptrack-send.js': readFileSync('dist/shoptrack-send.js', 'utf8') },
};

const product = (i: number) => ({ product_id: 'p' + i, name: 'Product ' + i, price: 10 + i, link: '/p/' + i, photo_url: '/img/' + i + '.svg' });
const ANSWER = JSON.stringify({ related_product_skus: Array.from({ length: 8 }, (_, i) => product(i)) });
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="#ccc"/></svg>';

// The page records when the first card is in the DOM (a MutationObserver, set before any script).
const page = (variant: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Home</title>
<script>new MutationObserver((l, o) => { if (document.querySelector('.dc-c')) { window.firstCard = performance.now(); o.disconnect(); } }).observe(document, { childList: true, subtree: true });
window.datacueConfig = { api_key: 'k', page_type: 'home', events_url: '/dc' };</script>
<script src="/${variant}/shoptrack.js"></script></head>
<body><h1>Home</h1><div data-dc-products="related"></div>${'<p>Shop text.</p>'.repeat(40)}</body></html>`;

const server = createServer((req, res) => {
  const url = new URL(req.url || '/', 'http://x');
  const [, variant, file] = url.pathname.split('/');
  if (url.pathname == '/dc') {
    req.resume();
    return req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(ANSWER));
  }
  if (url.pathname.startsWith('/img/')) return res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(SVG);
  if (VARIANTS[variant] && !file) return res.writeHead(200, { 'content-type': 'text/html' }).end(page(variant));
  if (VARIANTS[variant]?.[file]) return res.writeHead(200, { 'content-type': 'text/javascript' }).end(VARIANTS[variant][file]);
  res.writeHead(404).end();
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const origin = 'http://127.0.0.1:' + (server.address() as AddressInfo).port;
const browser = await launch();

const times: { [variant: string]: number[] } = { chunk: [], inline: [] };
try {
  for (let round = 0; round < ROUNDS; round++)
    for (const variant of round % 2 ? ['chunk', 'inline'] : ['inline', 'chunk']) {
      const context = await browser.newContext();
      const p = await context.newPage();
      await p.goto(`${origin}/${variant}/`);
      await p.waitForFunction(() => (window as unknown as { firstCard?: number }).firstCard, undefined, { timeout: 10_000 });
      times[variant].push(await p.evaluate(() => (window as unknown as { firstCard: number }).firstCard));
      await context.close();
    }
} finally {
  await browser.close();
  server.close();
}

const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const kb = (js: string) => (gzipSync(js, { level: 9 }).length / 1024).toFixed(2);
const chunk = median(times.chunk);
const inl = median(times.inline);
const md = `# First recommendation card

A home page with one \`data-dc-products\` placeholder, DataCue's stand-in answering its page view with 8
products; the time from navigation start until the first card is in the DOM, in a fresh context per load,
the two variants interleaved, ${ROUNDS} loads each (medians). \`bench/first-card.ts\`.

| variant | blocking script, min+gzip | first card ms (median) | min – max |
| --- | ---: | ---: | ---: |
| widgets as a chunk (dist/shoptrack.js + shoptrack-widgets.js) | ${kb(VARIANTS.chunk['shoptrack.js'])} KB | ${chunk.toFixed(1)} | ${Math.min(...times.chunk).toFixed(0)} – ${Math.max(...times.chunk).toFixed(0)} |
| widgets in the blocking script (bench/entries/shoptrack-inline.ts) | ${kb(inline)} KB | ${inl.toFixed(1)} | ${Math.min(...times.inline).toFixed(0)} – ${Math.max(...times.inline).toFixed(0)} |

Chunk against inline: ${(chunk / inl).toFixed(2)}×. ${cpus()[0].model}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GB; ${new Date().toISOString()}.
`;
writeFileSync('bench/first-card.md', md);
console.log(md);
