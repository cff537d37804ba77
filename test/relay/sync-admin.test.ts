// The admin API (docs/sync.md): per-record answers, the token, and no browser.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DataCueBackendStandIn, datacueBackendStandIn } from '../../demo/standins/datacue-backend';
import { readRelayConfig } from '../../src/relay/config';
import { type RunningRelay, startRelay } from '../../src/relay/server';

const TOKEN = 'admin-token-for-tests-0123456789';
const KEY = 'admin-test-key';
const SECRET = 'admin-test-secret-abcdef';
let dir: string;
let stand: DataCueBackendStandIn;
let relay: RunningRelay;
const logs: string[] = [];

const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = { authorization: 'Bearer ' + TOKEN }) =>
  fetch(relay.url + '/relay' + path, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sync-admin-'));
  stand = datacueBackendStandIn(KEY, SECRET);
  await stand.start(0);
  const config = readRelayConfig({}, { port: 0, dbPath: join(dir, 'relay.sqlite'), adminToken: TOKEN, datacueApiUrl: stand.url, datacueApiKey: KEY, datacueApiSecret: SECRET });
  relay = await startRelay(config, { log: (level, msg, fields) => logs.push(JSON.stringify({ level, msg, ...fields })) });
});
afterAll(async () => {
  await relay.close();
  await stand.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('admin API', () => {
  it('answers each record of a batch: accepted, or invalid with field and rule, and delivers the valid ones', async () => {
    const r = await call('POST', '/admin/customers', {
      records: [{ customer_id: 'u1', first_name: 'Ann' }, { customer_id: 'u2', email: 'nope' }, { customer_id: 'u3', first_name: 'Bo' }],
    });
    expect(r.status).toBe(200);
    expect((await r.json()).results).toEqual([
      { status: 'accepted', entity: 'customer', id: 'u1' },
      { status: 'invalid', entity: 'customer', id: 'u2', field: 'customer.email', rule: 'must be an email address' },
      { status: 'accepted', entity: 'customer', id: 'u3' },
    ]);
    await expect.poll(() => stand.users.size, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    expect([...stand.users.keys()].sort()).toEqual(['u1', 'u3']);
    const del = await call('DELETE', '/admin/customers/u1');
    expect((await del.json()).results).toEqual([{ status: 'accepted', entity: 'customer', id: 'u1' }]);
    await expect.poll(() => stand.users.has('u1'), { timeout: 20_000 }).toBe(false);
  });

  it('shows waiting, sent and failed by vendor and kind at /admin/status', async () => {
    const r = await call('GET', '/admin/status');
    const body = await r.json();
    expect(body.sync.datacue.customer).toEqual({ waiting: 0, sent: 2, failed: 0 });
    expect(Array.isArray(body.errors)).toBe(true);
  });

  it('refuses a missing or wrong token, and any request from a browser, whatever its origin', async () => {
    expect((await call('GET', '/admin/status', undefined, {})).status).toBe(401);
    expect((await call('GET', '/admin/status', undefined, { authorization: 'Bearer ' + TOKEN.slice(0, -1) })).status).toBe(401);
    expect((await call('GET', '/admin/status', undefined, { authorization: 'Basic ' + TOKEN })).status).toBe(401);
    const fromPage = await call('POST', '/admin/customers', { customer_id: 'u9', first_name: 'X' }, { authorization: 'Bearer ' + TOKEN, origin: relay.url });
    expect(fromPage.status).toBe(403);
    expect(fromPage.headers.get('access-control-allow-origin')).toBeNull();
    expect((await call('GET', '/admin/status', undefined, { authorization: 'Bearer ' + TOKEN, 'sec-fetch-site': 'same-origin' })).status).toBe(403);
    expect((await call('OPTIONS', '/admin/customers', undefined, { origin: relay.url })).status).toBe(403);
    expect(stand.users.has('u9')).toBe(false);
  });

  it('names the problem with a malformed request, and keeps the secrets out of the log', async () => {
    const bad = await fetch(relay.url + '/relay/admin/orders', { method: 'POST', headers: { authorization: 'Bearer ' + TOKEN }, body: '{"order_id": ' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toContain('JSON');
    expect((await call('POST', '/admin/widgets', {})).status).toBe(404);
    const cancel = await call('POST', '/admin/orders/o404/cancel');
    expect((await cancel.json()).results[0]).toMatchObject({ status: 'invalid', field: 'order.order_id' });
    expect(logs.join('\n')).not.toContain(SECRET);
    expect(logs.join('\n')).not.toContain(TOKEN);
  });
});
