// The relay as a shop deploys it (issue 9, items 9-13): behind a reverse proxy (forwarded host and
// scheme, the client's address from trusted hops only), Aqurate's 429 pausing all of the shop's Aqurate
// traffic (across a restart too), /health from the start, and the base path the docs describe.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AQURATE_DEMO_TOKEN } from '../../demo/standins/aqurate';
import { QUARTICON_DEMO_KEY } from '../../demo/standins/quarticon';
import { DEFAULTS, type RelayConfig, envName, readRelayConfig } from '../../src/relay/config';
import type { Forwarder } from '../../src/relay/forward';
import { createLog } from '../../src/relay/log';
import { type RunningRelay, startRelay } from '../../src/relay/server';
import { type Vendors, postEvents, startVendors, tempDb, testConfig, tracked, until } from './harness';

let v: Vendors;
let running: RunningRelay | undefined;
let logLines: string[] = [];

async function relay(over: Partial<RelayConfig> = {}, forwarders: Forwarder[] = []): Promise<string> {
  logLines = [];
  const config = testConfig(v, over);
  running = await startRelay(config, { log: createLog([QUARTICON_DEMO_KEY, AQURATE_DEMO_TOKEN], (l) => logLines.push(l)), forwarders });
  return running.url + config.basePath;
}

beforeAll(async () => {
  v = await startVendors();
});
afterEach(async () => {
  await running?.close();
  running = undefined;
  v.quarticon.clear();
  v.aqurate.clear();
  v.quarticon.fault({ mode: 'none' });
  v.aqurate.fault({ mode: 'none' });
});
afterAll(() => v.close());

const view = (product_id: string) => tracked({ type: 'pageview', subtype: 'product', product_id }, { page: 'product' });

/** A POST of events with any headers, Host included (fetch would not let a test set Host). */
function post(base: string, headers: Record<string, string>, events = [view('P' + Math.random().toString(36).slice(2, 8))]): Promise<number> {
  const url = new URL(base + '/events');
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ events }));
  });
}

const refusals = () => logLines.filter((l) => l.includes('refused requests from origin'));

describe('behind a reverse proxy', () => {
  // What nginx sends with `proxy_pass http://127.0.0.1:8787;` and the X-Forwarded-* lines of docs/relay.md:
  // Host is the upstream, the page's host and scheme are in X-Forwarded-Host and X-Forwarded-Proto.
  const nginx = (upstream: string) => ({
    host: upstream,
    origin: 'https://shop.example',
    'x-forwarded-host': 'shop.example',
    'x-forwarded-proto': 'https',
    'x-forwarded-for': '203.0.113.7',
  });

  it('takes the shop\'s own pages through a trusted proxy that sets Host to the upstream', async () => {
    const base = await relay({ trustProxy: 1 });
    const upstream = new URL(base).host;
    expect(await post(base, nginx(upstream))).toBe(200);
    // The same by address, as Express's "trust proxy" takes it.
    await running!.close();
    const base2 = await relay({ trustProxy: ['loopback'] });
    expect(await post(base2, nginx(new URL(base2).host))).toBe(200);
    expect(refusals()).toEqual([]);
  });

  it('ignores X-Forwarded-* from a peer it does not trust, and logs the refused origin once, loudly', async () => {
    // No trustProxy: a forged X-Forwarded-Host does not make another site's page the shop's own.
    const base = await relay();
    const upstream = new URL(base).host;
    expect(await post(base, nginx(upstream))).toBe(403);
    expect(await post(base, nginx(upstream))).toBe(403);
    expect(await post(base, { ...nginx(upstream), origin: 'https://other.example' })).toBe(403);
    expect(refusals().length).toBe(2);
    const line = JSON.parse(refusals()[0]);
    expect(line).toMatchObject({ level: 'error', origin: 'https://shop.example', host: upstream, forwarded_host: 'shop.example', trusted_proxy: false });
    expect(line.msg).toContain('trustProxy');
    expect(line.msg).toContain('allowedOrigins');
    // Trusted by address, but the request does not come from that address.
    await running!.close();
    const base2 = await relay({ trustProxy: ['10.0.0.0/8'] });
    expect(await post(base2, nginx(new URL(base2).host))).toBe(403);
  });

  it('compares the scheme the trusted proxy forwards, and the host without the default port', async () => {
    const base = await relay({ trustProxy: 1 });
    const upstream = new URL(base).host;
    expect(await post(base, { ...nginx(upstream), 'x-forwarded-proto': 'http' })).toBe(403);
    expect(await post(base, { ...nginx(upstream), 'x-forwarded-host': 'shop.example:443' })).toBe(200);
    // Caddy keeps Host as the page's and adds X-Forwarded-Proto.
    expect(await post(base, { host: 'shop.example', origin: 'https://shop.example', 'x-forwarded-proto': 'https' })).toBe(200);
  });

  it('limits a client by its real address, whatever it writes first in X-Forwarded-For', async () => {
    const base = await relay({ trustProxy: 1, rateLimitPerMinute: 1, rateLimitBurst: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) {
      // The client writes a different first entry each time; the proxy appends the address it saw.
      statuses.push(await post(base, { 'x-forwarded-for': '198.51.100.' + (i % 250) + ', 203.0.113.7' }, []));
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.filter((s) => s == 429).length).toBe(97);
    // Another shopper behind the same proxy has a bucket of its own.
    expect(await post(base, { 'x-forwarded-for': '203.0.113.8' }, [])).toBe(200);
  });

  it('reads trustProxy as Express does: hops or addresses, never "trust everything"', () => {
    const name = envName('trustProxy');
    expect(readRelayConfig({ [name]: '2' }).trustProxy).toBe(2);
    expect(readRelayConfig({ [name]: 'loopback, 10.0.0.0/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8']);
    expect(readRelayConfig({ [name]: 'false' }).trustProxy).toBe(false);
    expect(readRelayConfig({}, { trustProxy: ['192.168.0.1'] }).trustProxy).toEqual(['192.168.0.1']);
    expect(() => readRelayConfig({ [name]: 'true' })).toThrow(/trustProxy \(SHOPTRACK_RELAY_TRUST_PROXY\): true would trust every X-Forwarded-For entry/);
    expect(() => readRelayConfig({ [name]: 'not-an-ip' })).toThrow(/trustProxy .*the number of proxies/);
  });
});

describe('Aqurate\'s 429', () => {
  const gapAfter429 = () => {
    const got = v.aqurate.received.filter((r) => r.method == 'POST');
    const i = got.findIndex((r) => r.status == 429);
    return Date.parse(got[i + 1].at) - Date.parse(got[i].at);
  };

  it('pauses all of the shop\'s Aqurate traffic for Retry-After, new rows and recommendations too', async () => {
    const base = await relay();
    v.aqurate.fault({ mode: 'status', status: 429, retryAfter: 3 }, 1);
    await postEvents(base, [view('Q1')]);
    await until('the 429', () => v.aqurate.received.some((r) => r.status == 429));
    // New rows a little later: before, they went out a second after the 429.
    await postEvents(base, [view('Q2')]);
    const recs = await fetch(base + '/recs/aqurate/upsell?product_id=1');
    expect(recs.status).toBe(503);
    expect(Number(recs.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await until('Q1 and Q2 at Aqurate', () => v.aqurate.rows().length == 2, 15000);
    expect(v.aqurate.received.filter((r) => r.path.startsWith('/recommendations')).length).toBe(0);
    expect(gapAfter429()).toBeGreaterThanOrEqual(3000);
    expect(v.aqurate.rows().map((r) => r.product_id).sort()).toEqual(['Q1', 'Q2']);
  });

  it('keeps the pause in the store, so a restarted relay honours it', async () => {
    const dbPath = tempDb();
    const first = await relay({ dbPath });
    v.aqurate.fault({ mode: 'status', status: 429, retryAfter: 3 }, 1);
    await postEvents(first, [view('R1')]);
    await until('the 429', () => v.aqurate.received.some((r) => r.status == 429));
    await until('the pause on disk', () => logLines.some((l) => l.includes('aqurate will retry')));
    await running!.close();
    const base = await relay({ dbPath });
    await postEvents(base, [view('R2')]);
    await until('R1 and R2 at Aqurate', () => v.aqurate.rows().length == 2, 15000);
    expect(gapAfter429()).toBeGreaterThanOrEqual(3000);
  });

  it('is one budget: a request made outside the events forwarder waits for the same pause', async () => {
    await relay();
    const budget = running!.relay.budgets.aqurate;
    v.aqurate.fault({ mode: 'status', status: 429, retryAfter: 3 }, 1);
    const headers = { 'content-type': 'application/json', 'x-auth-token': AQURATE_DEMO_TOKEN };
    const first = await budget.request(v.aqurate.url + '/input/website_events', { method: 'POST', headers, body: '[]' });
    expect(first.status).toBe(429);
    // What a table push would do next: nothing is sent, and it learns how long to wait.
    const second = await budget.request(v.aqurate.url + '/input/website_events', { method: 'POST', headers, body: '[]' });
    expect(second.status).toBe(0);
    expect(second.retryAfter).toBeGreaterThan(1000);
    expect(v.aqurate.received.length).toBe(1);
  });
});

describe('GET <base>/health', () => {
  it('lists every configured vendor with zero counts on a fresh relay', async () => {
    const extra: Forwarder = { name: 'engage', max: 10, parallel: 1, plan: () => ({ jobs: [] }), send: async () => ({ ok: true }) };
    const base = await relay({}, [extra]);
    expect(await (await fetch(base + '/health')).json()).toEqual({
      status: 'ok',
      vendors: { quarticon: { waiting: 0, failed: 0 }, aqurate: { waiting: 0, failed: 0 }, engage: { waiting: 0, failed: 0 } },
    });
    await running!.close();
    const only = await relay({ quarticonCustomer: undefined, quarticonApiKey: undefined });
    expect((await (await fetch(only + '/health')).json()).vendors).toEqual({ aqurate: { waiting: 0, failed: 0 } });
  });
});

describe('basePath', () => {
  it('defaults to /relay, as every example mounts it; "/" is the root', () => {
    expect(readRelayConfig({}).basePath).toBe('/relay');
    expect(readRelayConfig({ [envName('basePath')]: '/' }).basePath).toBe('');
    expect(readRelayConfig({}, { basePath: '' }).basePath).toBe('');
  });

  it('answers at /relay out of the box', async () => {
    const config = { ...testConfig(v), basePath: DEFAULTS.basePath };
    running = await startRelay(config, { log: createLog([], () => {}) });
    expect((await fetch(running.url + '/relay/health')).status).toBe(200);
    expect((await fetch(running.url + '/health')).status).toBe(404);
  });

  it('docs/relay.md\'s config table gives every key and its default as the code has it', () => {
    const doc = readFileSync(new URL('../../docs/relay.md', import.meta.url), 'utf8');
    const rows = new Map<string, string>();
    for (const m of doc.matchAll(/^\| `(\w+)` \| `(SHOPTRACK_RELAY_\w+)` \| ([^|]+) \|/gm)) {
      expect(m[2]).toBe(envName(m[1]));
      rows.set(m[1], m[3].trim().replace(/`/g, ''));
    }
    const keys = Object.keys(readRelayConfig({}, { quarticonCustomer: 'c', quarticonApiKey: 'k'.repeat(8), aqurateToken: 't'.repeat(8) }));
    for (const k of [...keys, 'aqurateRecsToken', 'quarticonAcceptVersion']) expect(rows.has(k), k + ' in docs/relay.md').toBe(true);
    for (const [k, cell] of rows) {
      const d = (DEFAULTS as unknown as { [k: string]: unknown })[k];
      if (d === undefined) continue;
      const shown = Array.isArray(d) ? (d.length ? d.join(', ') : 'none') : String(d);
      expect(cell, k).toBe(shown);
    }
  });
});
