// The inspector: every request the stand-ins received, newest first, refreshed by polling
// /inspector/events.json. Each row says what the request carried (the event types, the rows of a table,
// or the query of a GET), and the rows can be filtered by vendor. Fault modes can be switched here too,
// to watch retries by hand.
import type { Received } from './standins/types';

type Obj = { [k: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v == 'object' && v !== null && !Array.isArray(v);

/** "a ×2, b": each name once, in order of first appearance, with how often it came. */
function tally(names: string[]): string {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) || 0) + 1);
  return [...counts].map(([n, c]) => (c > 1 ? n + ' ×' + c : n)).join(', ');
}

/** What one item of a body is: a DataCue event, a Quarticon event, a website_events row, or a record. */
function itemName(item: unknown): string | undefined {
  if (!isObj(item)) return;
  const e = item.event;
  // DataCue's browser events: {user, event: {type, subtype}, timestamp}.
  if (isObj(e) && typeof e.type == 'string') return e.type + (typeof e.subtype == 'string' ? '/' + e.subtype : '');
  // Aqurate's website_events rows: the (page_type, event) pair.
  if (typeof e == 'string') return e + (item.page_type ? ' (' + item.page_type + ')' : '');
  // Quarticon's /track/event.
  if (typeof item.eventType == 'string') return item.eventType + (typeof item.productId == 'string' ? ' ' + item.productId : '');
}

/**
 * What a request carried, for a person to read at a glance: the event types of a batch, the rows of a
 * table push, or the query of a GET (a recommendation request says so, with its parameters).
 */
export function carries(r: Pick<Received, 'method' | 'path' | 'body'>): string {
  const url = new URL(r.path, 'http://stand-in.invalid');
  const where = url.pathname;
  if (r.method == 'GET') {
    const query = [...url.searchParams].map(([k, v]) => k + '=' + v).join(' ');
    return (/recommendation/.test(where) ? 'recommendations ' : 'GET ') + where + (query ? ': ' + query : '');
  }
  const body = r.body;
  const items = Array.isArray(body) ? body : isObj(body) && Array.isArray(body.batch) ? body.batch : [body];
  const named = items.map(itemName).filter((n): n is string => !!n);
  if (named.length) return tally(named);
  // A table push or a backend call: the path names the table, with how many records it carried.
  if (items.length && items.every(isObj)) {
    // The backend API's records (docs/sync.md): one names itself by its id.
    const only = items.length == 1 ? (items[0] as Obj) : undefined;
    const id = only && (only.product_id ?? only.user_id ?? only.order_id);
    if (typeof id == 'string' || typeof id == 'number') return where + ': record ' + id;
    return where + ': ' + items.length + (items.length == 1 ? ' record' : ' records');
  }
  if (typeof body == 'string') return where + ': ' + (body.split('\n').filter(Boolean).length || 0) + ' lines';
  return r.method + ' ' + where;
}
export const INSPECTOR_HTML = String.raw`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Inspector · Demo Shop</title>
<style>
body{margin:0;font:14px/1.4 system-ui,sans-serif;background:#f6f6f4;color:#222}header{padding:.8rem 1.5rem;background:#fff;border-bottom:1px solid #ddd;display:flex;gap:1.5rem;align-items:center;flex-wrap:wrap}
table{border-collapse:collapse;width:100%;background:#fff}td,th{padding:.35rem .6rem;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
pre{margin:0;white-space:pre-wrap;max-width:60vw;font-size:12px}.bad{color:#b00020}.ok{color:#1b7a2c}.fault{color:#a66a00}main{padding:1rem 1.5rem}
</style></head><body>
<header><strong>Stand-in inspector</strong> <a href="/">Back to the shop</a> <span id="faults"></span> <span id="count"></span></header>
<main><label>vendor <select id="vendor"><option value="">all</option></select></label>
<table><thead><tr><th>#</th><th>vendor</th><th>time</th><th>carries</th><th>status</th><th>body</th></tr></thead><tbody id="rows"></tbody></table></main>
<script>
var esc = function (s) { return String(s).replace(/[&<>]/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); };
var faultsShown = '';
var last = null;
function render(data) {
  last = data;
  var vendor = document.getElementById('vendor');
  var names = data.standIns.map(function (s) { return s.name; });
  if (vendor.options.length != names.length + 1)
    vendor.innerHTML = '<option value="">all</option>' + names.map(function (n) { return '<option' + (n == vendor.value ? ' selected' : '') + '>' + esc(n) + '</option>'; }).join('');
  var shown = data.received.filter(function (r) { return !vendor.value || r.standIn == vendor.value; });
  document.getElementById('count').textContent = shown.length + ' of ' + data.received.length + ' requests';
  document.getElementById('rows').innerHTML = shown.slice().reverse().map(function (r) {
    var cls = r.fault ? 'fault' : r.status >= 200 && r.status < 300 ? 'ok' : 'bad';
    var body = r.body === undefined || r.body === '' ? '(no body)' : JSON.stringify(r.body, null, 1);
    return '<tr data-vendor="' + esc(r.standIn) + '"><td>' + r.n + '</td><td>' + esc(r.standIn) + '</td><td>' + esc(r.at.slice(11, 23)) + '</td><td class="carries">' +
      esc(r.carries) + '<br><small>' + esc(r.method + ' ' + r.path) + '</small></td><td class="' + cls + '">' +
      (r.status == null ? 'hanging' : r.status) + (r.fault ? ' (fault)' : '') + (r.reason ? '<br>' + esc(r.reason) : '') +
      '</td><td><details><summary>body</summary><pre>' + esc(body) + '</pre></details></td></tr>';
  }).join('');
  // Redrawn only on a change, so that an open select is not closed under the pointer.
  var faults = JSON.stringify(data.standIns);
  if (faults == faultsShown) return;
  faultsShown = faults;
  document.getElementById('faults').innerHTML = data.standIns.map(function (s) {
    return esc(s.name) + ' <select data-standin="' + esc(s.name) + '">' + ['none', 'down', 'status', 'hang', 'flaky'].map(function (m) {
      return '<option' + (m == s.fault ? ' selected' : '') + '>' + m + '</option>';
    }).join('') + '</select>';
  }).join(' ');
}
document.addEventListener('change', function (ev) {
  if (ev.target.id == 'vendor') return last && render(last);
  var s = ev.target.getAttribute('data-standin');
  if (!s) return;
  fetch('/inspector/fault', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ standIn: s, mode: ev.target.value, status: 503, retryAfter: 2, rate: 0.4 }) });
});
function poll() {
  fetch('/inspector/events.json').then(function (r) { return r.json(); }).then(render).catch(function () {}).finally(function () { setTimeout(poll, 1000); });
}
poll();
</script></body></html>`;
