// Turns the runs into medians, the results table, the targets' verdicts and the chart.
import type { Script } from './build';
import { EVENTS, type Run } from './measure';

export interface Row {
  sdk: string;
  script?: Script;
  runs: Run[];
  /** Medians of the numeric figures. */
  m: { [K in keyof Run]?: number };
}

export interface Summary {
  rows: Row[];
  /** The blank page (no script): the harness's own main-thread cost, inside every row's figures. */
  blank: Row;
  /** min+gzip of every script, including those only sized. */
  scripts: Script[];
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  chromium: string;
  date: string;
  rounds: number;
  seconds: number;
}

const median = (xs: number[]): number => {
  const s = xs.filter((x) => x === x).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

const NUMERIC: (keyof Run)[] = [
  'evalMs', 'initMs', 'pageViewAfterMs', 'callsMs', 'sendMs', 'deliveredMs', 'storedMs', 'delivered', 'duplicates',
  'requests', 'preflights', 'longtasks', 'longestTaskMs', 'heapInit', 'heapEnd',
];

export function summarise(scripts: Script[], runs: Run[]): Summary {
  const row = (sdk: string): Row => {
    const rs = runs.filter((r) => r.sdk == sdk);
    const m: Row['m'] = {};
    for (const k of NUMERIC) m[k] = median(rs.map((r) => r[k] as number));
    return { sdk, script: scripts.find((s) => s.name == sdk), runs: rs, m };
  };
  const names = [...new Set(runs.map((r) => r.sdk))].filter((s) => s != 'none');
  return { rows: names.map(row), blank: row('none'), scripts };
}

const kb = (b?: number) => (b == null ? '–' : (b / 1024).toFixed(1));
const ms = (v?: number) => (v == null || v !== v ? '–' : v >= 100 ? Math.round(v).toLocaleString('en') : v.toFixed(1));
const isPeer = (r: Row) => !r.sdk.startsWith('shoptrack');
const shop = (s: Summary) => s.rows.find((r) => r.sdk == 'shoptrack')!;

export function table(s: Summary): string {
  const full = s.scripts.find((x) => x.name == 'shoptrack')!.gzip!;
  const head = [
    'SDK', 'min+gzip KB', '× shoptrack', 'eval ms', 'init main-thread ms', 'page view sent ms', '1,000 calls ms',
    '1,000 main-thread ms', 'all delivered ms', 'delivered', 'requests', 'long tasks (longest ms)', 'heap after init KB', 'heap after 1,000 KB',
  ];
  const lines = [head, head.map((_, i) => (i ? '---:' : '---'))];
  for (const r of s.rows) {
    const m = r.m;
    lines.push([
      r.sdk,
      kb(r.script?.gzip),
      r.script ? (r.script.gzip! / full).toFixed(1) + '×' : '–',
      ms(m.evalMs),
      ms(m.initMs),
      ms(m.pageViewAfterMs),
      ms(m.callsMs),
      ms(m.sendMs),
      ms(m.deliveredMs),
      `${m.delivered}/${EVENTS}`,
      String(m.requests),
      `${m.longtasks} (${ms(Math.max(...r.runs.map((x) => x.longestTaskMs)))})`,
      kb(m.heapInit! - s.blank.m.heapInit!),
      kb(m.heapEnd! - s.blank.m.heapEnd!),
    ]);
  }
  const b = s.blank.m;
  lines.push(['(blank page, no script)', '–', '–', ms(b.evalMs), ms(b.initMs), '–', ms(b.callsMs), ms(b.sendMs), '–', '–', '–', `${b.longtasks}`, '0.0', '0.0']);
  return lines.map((l) => '| ' + l.join(' | ') + ' |').join('\n');
}

export function sizes(s: Summary): string {
  const full = s.scripts.find((x) => x.name == 'shoptrack')!.gzip!;
  const lines = ['| script | what was bundled | min KB | min+gzip KB | × shoptrack |', '| --- | --- | ---: | ---: | ---: |'];
  for (const x of s.scripts) lines.push(`| ${x.name} | ${x.what} | ${kb(x.bytes)} | ${kb(x.gzip)} | ${(x.gzip! / full).toFixed(2)}× |`);
  return lines.join('\n');
}

interface Verdict {
  target: string;
  met: boolean;
  detail: string;
}

export function verdicts(s: Summary): Verdict[] {
  const st = shop(s);
  const peers = s.rows.filter(isPeer);
  const out: Verdict[] = [];
  const full = s.scripts.find((x) => x.name == 'shoptrack')!.gzip!;
  out.push({ target: 'full bundle well under 10 KB min+gzip', met: full < 10 * 1024, detail: `${kb(full)} KB (gate 10 KB)` });
  const blank = s.blank.m;
  for (const [key, label] of [
    ['initMs', 'evaluate, initialise and send the page view'],
    ['callsMs', '1,000 track calls (synchronous)'],
    ['sendMs', '1,000 track calls until delivered'],
  ] as const) {
    const best = peers.reduce((a, b) => (b.m[key]! < a.m[key]! ? b : a));
    const mine = st.m[key]!;
    const limit = best.m[key]! / 2;
    // The blank page's figure is the harness's own work (CDP calls), the same in every row.
    const net = mine - blank[key]!;
    const netLimit = (best.m[key]! - blank[key]!) / 2;
    const met = mine <= limit;
    out.push({
      target: `main-thread time ≤ ½ of the fastest peer: ${label}`,
      met,
      detail:
        `shoptrack ${ms(mine)} ms, fastest peer ${best.sdk} ${ms(best.m[key])} ms, limit ${ms(limit)} ms` +
        (met ? ` (${(mine / best.m[key]!).toFixed(2)} of it)` : `: over by ${ms(mine - limit)} ms (${((mine / limit - 1) * 100).toFixed(0)} %)`) +
        `; net of the blank page ${ms(net)} vs limit ${ms(netLimit)} ms${net <= netLimit ? ', met' : ', missed'}`,
    });
  }
  const tasks = st.runs.map((r) => r.longtasks);
  const longest = Math.max(...st.runs.map((r) => r.longestTaskMs));
  out.push({
    target: 'no long task (> 50 ms)',
    met: tasks.every((t) => t == 0),
    detail: tasks.every((t) => t == 0)
      ? 'none in any round'
      : `long tasks per round: ${tasks.join(', ')} (of which during the 1,000 calls and their sending: ${st.runs.map((r) => r.longtasksCalls).join(', ')}); longest ${ms(longest)} ms`,
  });
  const writes = st.runs.map((r) => (r.idbWrites || []).join('+') || '0');
  const one = st.runs.every((r) => r.idbWrites?.length == 1 && r.idbWrites[0] == EVENTS);
  out.push({
    target: 'events tracked in the same tick are stored in one IndexedDB transaction',
    met: one,
    detail: `readwrite transactions with put()s from the first call until every track() promise settled, puts in each, per round: ${writes.join(', ')}`,
  });
  return out;
}

export function markdown(s: Summary, m: Machine, unknown: string[]): string {
  const st = shop(s);
  const blocked = [...new Set(s.rows.concat(s.blank).flatMap((r) => r.runs.flatMap((x) => x.blocked)))];
  const malformed = [...new Set(s.rows.flatMap((r) => r.runs.flatMap((x) => x.malformed.map((e) => r.sdk + ': ' + e))))];
  const stored = st.m.storedMs;
  return `# Benchmark: shoptrack and the peer SDKs

${m.date.slice(0, 10)} · ${m.cpu}, ${m.cores} cores, ${m.memoryGb.toFixed(1)} GB · ${m.os} · node ${m.node} · Chromium ${m.chromium} (headless) ·
${m.rounds} rounds, medians · ${m.seconds} s. Rerun with \`npm run bench\`.

![chart](results.svg)

## Runtime

${table(s)}

What each column measures (one fresh browser context per page load; the SDK is added to an already
loaded shop page as an async script tag):

- **eval**: the script's synchronous evaluation, between performance marks the server puts around its code.
- **init main-thread**: renderer main-thread busy time (CDP \`Performance.getMetrics\` TaskDuration: every
  task, so script, microtasks, IndexedDB, storage and network callbacks, GC) from adding the script tag until the
  local collector received the first page view, plus a ${250} ms quiet tail for the answer's handling.
- **page view sent**: wall time from adding the script tag until the collector received the page view.
- **1,000 calls**: the synchronous loop of 1,000 \`track\` calls, run in one timer task (performance.now()).
- **1,000 main-thread**: TaskDuration from just before that loop until the collector had all 1,000 events
  (or gave up 5 s after the last one arrived), plus the tail; it includes the loop.
- **all delivered**: wall time from the loop's start until the collector received the last of the events.
- **delivered / requests**: distinct benchmark events the collector read in each SDK's wire format
  (Snowplow \`payload_data\` POSTs, Segment \`/t\` events, RudderStack \`/v1/track\`, DataCue JSON objects or arrays), and
  the POST requests that carried them (page view included).
- **long tasks**: \`PerformanceObserver('longtask')\` entries over the whole page life (load, init, calls, sending).
- **heap**: JS heap used after a forced GC (CDP), minus the blank page's.
- The **blank page** row is the same page without a script: its main-thread figures are the harness's own
  (CDP calls, the evaluate that starts the loop) and are inside every row.
${stored != null ? `\nshoptrack's 1,000 \`track()\` promises all settled (events written to IndexedDB) after ${ms(stored)} ms (median).\n` : ''}
## Targets

${verdicts(s).map((v) => `- ${v.met ? '**met**' : '**missed**'}: ${v.target}. ${v.detail}.`).join('\n')}

## Sizes

Bundled with shoptrack's esbuild settings (bundle, minify, es2020, iife); gzip level 9, as the size gate.

${sizes(s)}

## How the peers were set up

- Snowplow: \`newTracker('sp', collector, { appId, eventMethod: 'post' })\`; its defaults otherwise (localStorage queue,
  credentials included, buffer size 1).
- Segment: \`AnalyticsBrowser.load({ writeKey, cdnURL: collector })\`; the collector serves the settings (Segment.io
  pointed at the collector over http, no remote plugins); default delivery (one request per event).
- RudderStack: \`@rudderstack/analytics-js/bundled\`, \`load(writeKey, collector, { configUrl: collector })\`; the
  collector serves the source config (no destinations). The default entry loads its plugins, XhrQueue (which
  delivers events) among them, from cdn.rudderlabs.com at run time, so it is only sized here.
- Requests to any host but 127.0.0.1 go to a local proxy that refuses them: ${blocked.length ? blocked.map((b) => '`' + b + '`').join(', ') : 'no SDK tried one'}.
${malformed.length ? `- Requests the collector could not read: ${malformed.join('; ')}.\n` : ''}${unknown.length ? `- Requests to paths the collector does not serve: ${[...new Set(unknown)].slice(0, 10).join(', ')}.\n` : ''}`;
}

const COLORS: { [sdk: string]: string } = {
  shoptrack: '#1a7f37',
  'shoptrack-core': '#4ac26b',
  snowplow: '#6e56cf',
  segment: '#2f6feb',
  rudderstack: '#d4760a',
};

/** Four panels of horizontal bars: size, init main-thread, 1,000 events main-thread, delivery time. */
export function chart(s: Summary): string {
  const panels: { title: string; unit: string; value: (r: Row) => number }[] = [
    { title: 'Size, min+gzip', unit: 'KB', value: (r) => (r.script?.gzip || 0) / 1024 },
    { title: 'Main thread: load, init, first page view', unit: 'ms', value: (r) => r.m.initMs! },
    { title: 'Main thread: 1,000 track calls until delivered', unit: 'ms', value: (r) => r.m.sendMs! },
    { title: 'Wall time until 1,000 events delivered', unit: 'ms', value: (r) => r.m.deliveredMs! },
  ];
  const W = 960;
  const labelW = 130;
  const barMax = W / 2 - labelW - 170;
  const rowH = 22;
  const panelH = 34 + s.rows.length * rowH;
  const H = 48 + Math.ceil(panels.length / 2) * (panelH + 16);
  const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  let out = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="13">
<rect width="${W}" height="${H}" fill="#fff"/>
<text x="16" y="28" font-size="17" font-weight="600">shoptrack vs peer SDKs — headless Chromium, medians (shorter is better)</text>\n`;
  panels.forEach((p, i) => {
    const x0 = 16 + (i % 2) * (W / 2);
    const y0 = 48 + Math.floor(i / 2) * (panelH + 16);
    const max = Math.max(...s.rows.map((r) => p.value(r) || 0));
    out += `<text x="${x0}" y="${y0 + 16}" font-weight="600">${esc(p.title)}</text>\n`;
    s.rows.forEach((r, j) => {
      const v = p.value(r);
      const y = y0 + 28 + j * rowH;
      const w = v === v && max ? Math.max(1, (v / max) * barMax) : 0;
      const note = r.m.delivered! < EVENTS && i == 3 ? ` (${r.m.delivered}/${EVENTS})` : '';
      const label = v === v ? (v >= 100 ? Math.round(v).toLocaleString('en') : v.toFixed(1)) + ' ' + p.unit + note : 'n/a';
      out += `<text x="${x0}" y="${y + 14}">${esc(r.sdk)}</text>`;
      out += `<rect x="${x0 + labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 7}" fill="${COLORS[r.sdk] || '#888'}"/>`;
      out += `<text x="${x0 + labelW + w + 6}" y="${y + 14}" fill="#333">${esc(label)}</text>\n`;
    });
  });
  return out + '</svg>\n';
}
