// The Node API (src/relay/index.ts): openSync writes beside the relay, which delivers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { datacueBackendStandIn } from '../../demo/standins/datacue-backend';
import { openSync, readRelayConfig, startRelay } from '../../src/relay/index';

it('queues records through openSync(config) that the running relay then delivers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sync-api-'));
  const stand = datacueBackendStandIn('k-api', 'secret-api-123');
  await stand.start(0);
  const config = readRelayConfig({}, { port: 0, dbPath: join(dir, 'relay.sqlite'), datacueApiUrl: stand.url, datacueApiKey: 'k-api', datacueApiSecret: 'secret-api-123' });
  const relay = await startRelay(config, { log: () => {} });
  const client = openSync(config);
  try {
    const answers = await client.upsert('customer', [{ customer_id: 'c1', first_name: 'Ann' }, { customer_id: '' } as never]);
    expect(answers).toEqual([
      { status: 'accepted', entity: 'customer', id: 'c1' },
      { status: 'invalid', entity: 'customer', id: undefined, field: 'customer.customer_id', rule: 'is required' },
    ]);
    // The relay looks for records queued from outside its process every SYNC_POLL_MS.
    const sent = async () => (await client.status()).counts.datacue?.customer.sent;
    for (let i = 0; i < 400 && !(await sent()); i++) await new Promise((r) => setTimeout(r, 25));
    expect(await sent()).toBe(1);
    expect(stand.users.get('c1')).toEqual({ user_id: 'c1', first_name: 'Ann' });
  } finally {
    await client.close();
    await relay.close();
    await stand.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
