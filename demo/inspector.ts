// The inspector: every request the stand-ins received, newest first, refreshed by polling
// /inspector/events.json. Fault modes can be switched here too, to watch retries by hand.
export const INSPECTOR_HTML = String.raw`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Inspector · Demo Shop</title>
<style>
body{margin:0;font:14px/1.4 system-ui,sans-serif;background:#f6f6f4;color:#222}header{padding:.8rem 1.5rem;background:#fff;border-bottom:1px solid #ddd;display:flex;gap:1.5rem;align-items:center;flex-wrap:wrap}
table{border-collapse:collapse;width:100%;background:#fff}td,th{padding:.35rem .6rem;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
pre{margin:0;white-space:pre-wrap;max-width:60vw;font-size:12px}.bad{color:#b00020}.ok{color:#1b7a2c}.fault{color:#a66a00}main{padding:1rem 1.5rem}
</style></head><body>
<header><strong>Stand-in inspector</strong> <a href="/">Back to the shop</a> <span id="faults"></span> <span id="count"></span></header>
<main><table><thead><tr><th>#</th><th>stand-in</th><th>time</th><th>status</th><th>events</th><th>body</th></tr></thead><tbody id="rows"></tbody></table></main>
<script>
var esc = function (s) { return String(s).replace(/[&<>]/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); };
function kinds(body) {
  // The backend API's records (docs/sync.md): a batch, or one record.
  if (body && Array.isArray(body.batch)) return 'batch of ' + body.batch.length;
  if (body && !body.event && !Array.isArray(body) && (body.product_id || body.user_id || body.order_id)) return 'record ' + (body.product_id || body.user_id || body.order_id);
  return (Array.isArray(body) ? body : [body]).map(function (b) {
    var e = b && b.event;
    return e ? e.type + (e.subtype ? '/' + e.subtype : '') : '?';
  }).join(', ');
}
var faultsShown = '';
function render(data) {
  document.getElementById('count').textContent = data.received.length + ' requests';
  document.getElementById('rows').innerHTML = data.received.slice().reverse().map(function (r) {
    var cls = r.fault ? 'fault' : r.status >= 200 && r.status < 300 ? 'ok' : 'bad';
    return '<tr><td>' + r.n + '</td><td>' + esc(r.standIn) + '</td><td>' + esc(r.at.slice(11, 23)) + '</td><td class="' + cls + '">' +
      (r.status == null ? 'hanging' : r.status) + (r.fault ? ' (fault)' : '') + (r.reason ? '<br>' + esc(r.reason) : '') +
      '</td><td>' + esc(kinds(r.body)) + '</td><td><pre>' + esc(JSON.stringify(r.body, null, 1)) + '</pre></td></tr>';
  }).join('');
  // Redrawn only on a change, so that an open select is not closed under the pointer.
  var faults = JSON.stringify(data.standIns);
  if (faults == faultsShown) return;
  faultsShown = faults;
  document.getElementById('faults').innerHTML = data.standIns.map(function (s) {
    return esc(s.name) + ' <select data-standin="' + esc(s.name) + '">' + ['none', 'down', 'status', 'hang'].map(function (m) {
      return '<option' + (m == s.fault ? ' selected' : '') + '>' + m + '</option>';
    }).join('') + '</select>';
  }).join(' ');
}
document.addEventListener('change', function (ev) {
  var s = ev.target.getAttribute('data-standin');
  if (!s) return;
  fetch('/inspector/fault', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ standIn: s, mode: ev.target.value, status: 503, retryAfter: 2 }) });
});
function poll() {
  fetch('/inspector/events.json').then(function (r) { return r.json(); }).then(render).catch(function () {}).finally(function () { setTimeout(poll, 1000); });
}
poll();
</script></body></html>`;
