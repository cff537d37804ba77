// The benchmark page: the same small shop page for every SDK, served from its own origin. Its first
// script (before any SDK) watches long tasks and IndexedDB transactions; the SDK is added later by the
// runner, served with performance marks around its evaluation.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';

/** What the page records, read back by the runner. */
export interface PageRecord {
  longtasks: { start: number; duration: number }[];
  /** Every IndexedDB transaction the page opened: mode, when, and how many put() calls it carried. */
  idb: { mode: string; at: number; puts: number }[];
}

export interface Calls {
  /** performance.now() before and after the 1,000 synchronous track calls. */
  t0: number;
  t1: number;
  /** t0 as epoch milliseconds, to compare with the collector's clock (same machine). */
  wall0: number;
  /** When every promise track() returned had settled (shoptrack: the events are in IndexedDB). */
  settled?: number;
  /** IndexedDB transactions opened from t0 until `settled`. */
  idb?: PageRecord['idb'];
}

// Runs in the page before anything else. Kept as plain ES2020 so no bundler touches it.
const preamble = (collector: string, sdk: string) => `
window.benchCollector = ${JSON.stringify(collector)};
window.bench = { longtasks: [], idb: [] };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) bench.longtasks.push({ start: e.startTime, duration: e.duration });
}).observe({ type: 'longtask', buffered: true });
(() => {
  const txs = new WeakMap();
  const transaction = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function () {
    const t = transaction.apply(this, arguments);
    const rec = { mode: arguments[1] || 'readonly', at: performance.now(), puts: 0 };
    bench.idb.push(rec);
    txs.set(t, rec);
    return t;
  };
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function () {
    const rec = txs.get(this.transaction);
    if (rec) rec.puts++;
    return put.apply(this, arguments);
  };
})();
${
  sdk.startsWith('shoptrack')
    ? `window.datacueConfig = { api_key: 'benchkey', user_id: null, page_type: 'home', events_url: ${JSON.stringify(collector + '/dc')} };
window.benchTrack = (i) => window.shoptrack.track({ type: 'click', subtype: 'product', product_id: 'p' + i });`
    : sdk == 'none'
      ? `window.benchTrack = () => {};`
      : ''
}`;

// A plain shop page: what a tracking script shares the main thread with.
const body = () => {
  const products = Array.from(
    { length: 24 },
    (_, i) => `<li class="p"><a href="/p/${i}"><span class="img"></span><b>Product ${i}</b><i>${(9.9 + i).toFixed(2)} EUR</i></a><button>Add to cart</button></li>`,
  ).join('');
  return `<header><a href="/">Bench shop</a><nav><a href="/c/1">Shoes</a><a href="/c/2">Bags</a><a href="/cart">Cart</a></nav></header>
<main><h1>New in</h1><ul class="grid">${products}</ul></main><footer>Imprint</footer>`;
};

const html = (collector: string, sdk: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bench shop</title>
<style>body{font:16px system-ui;margin:0}.grid{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;list-style:none;padding:12px}
.img{display:block;height:120px;background:#eee}.p b,.p i{display:block}header{display:flex;gap:24px;padding:12px;background:#222}header a{color:#fff}</style>
<script>${preamble(collector, sdk)}</script></head>
<body>${body()}</body></html>`;

export interface PageServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves /page/<sdk> and /sdk/<sdk>.js (the script with marks around its evaluation; '' for no script). */
export async function startPages(collector: string, scripts: { [sdk: string]: string }): Promise<PageServer> {
  const code: { [sdk: string]: string } = {};
  for (const [sdk, file] of Object.entries(scripts))
    code[sdk] = `performance.mark('sdk:eval-start');\n${file ? readFileSync(file, 'utf8') : ''}\n;performance.mark('sdk:eval-end');`;
  const server: Server = createServer((req, res) => {
    const url = req.url || '';
    let m = /^\/page\/([\w-]+)$/.exec(url);
    if (m) {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      return res.end(html(collector, m[1]));
    }
    // shoptrack's chunks, beside its script tag as a shop would serve them (dist/shoptrack-send.js,
    // dist/shoptrack-widgets.js).
    m = /^\/sdk\/(shoptrack-send|shoptrack-widgets)\.js(\?.*)?$/.exec(url);
    if (m) {
      res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
      res.setHeader('Cache-Control', 'no-store');
      return res.end(readFileSync('dist/' + m[1] + '.js'));
    }
    m = /^\/sdk\/([\w-]+)\.js$/.exec(url);
    if (m && code[m[1]] != null) {
      res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
      res.setHeader('Cache-Control', 'no-store');
      return res.end(code[m[1]]);
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = 'http://127.0.0.1:' + (server.address() as AddressInfo).port;
  return { origin, close: () => new Promise((r) => server.close(() => r())) };
}
