// The demo's relay, mounted at /relay on the shop's origin, forwarding to the local Quarticon, Aqurate,
// engage and Shoptimiza stand-ins with their demo keys (which no page ever sees), and DataCue's events to
// DataCue's stand-in when the pages send them through it (`npm run demo -- --datacue-via-relay`). Its
// outbox is a fresh SQLite file per run.
import { mkdtempSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRelayConfig } from '../src/relay/config';
import { createRelay } from '../src/relay/handler';
import { AQURATE_DEMO_TOKEN } from './standins/aqurate';
import { ENGAGE_DEMO_TOKEN } from './standins/engage';
import { SHOPTIMIZA_DEMO_KEY, SHOPTIMIZA_DEMO_SECRET } from './standins/shoptimiza';
import { QUARTICON_DEMO_CUSTOMER, QUARTICON_DEMO_KEY } from './standins/quarticon';
import { DATACUE_DEMO_API_KEY, DATACUE_DEMO_API_SECRET } from './standins/datacue-backend';
import type { StandIn } from './standins/types';
import { demoSyncData } from './sync-data';

export function demoRelay(standIns: { [name: string]: StandIn }): (req: IncomingMessage, res: ServerResponse) => void {
  const { quarticon, aqurate, engage, shoptimiza, datacue } = standIns;
  const datacueBackend = standIns['datacue-backend'];
  const config = readRelayConfig(process.env, {
    // The demo's router strips "/relay" from req.url before the handler sees it.
    basePath: '',
    dbPath: join(mkdtempSync(join(tmpdir(), 'shoptrack-demo-relay-')), 'relay.sqlite'),
    quarticonUrl: quarticon.url,
    quarticonCustomer: QUARTICON_DEMO_CUSTOMER,
    quarticonApiKey: QUARTICON_DEMO_KEY,
    aqurateUrl: aqurate.url,
    aqurateToken: AQURATE_DEMO_TOKEN,
    engageUrl: engage.url.replace(/\/$/, ''),
    engageToken: ENGAGE_DEMO_TOKEN,
    shoptimizaUrl: shoptimiza.url.replace(/\/$/, ''),
    shoptimizaApiKey: SHOPTIMIZA_DEMO_KEY,
    shoptimizaSecret: SHOPTIMIZA_DEMO_SECRET,
    shoptimizaUpload: true,
    datacueApiUrl: datacueBackend.url.replace(/\/$/, ''),
    datacueApiKey: DATACUE_DEMO_API_KEY,
    datacueApiSecret: DATACUE_DEMO_API_SECRET,
    // DataCue's browser events too, for pages whose events_url is /relay/datacue (docs/relay.md): the
    // same shop key, which the events stand-in checks.
    datacueEventsUrl: datacue.url,
    // One shopper clicking fast, or a browser test, is far below this.
    rateLimitPerMinute: 6000,
    rateLimitBurst: 600,
  });
  const relay = createRelay(config);
  // The shop's catalog, customers and order history, as its backfill would send them (docs/sync.md).
  relay.sync.submit(demoSyncData()).then((answers) => {
    const invalid = answers.filter((a) => a.status == 'invalid');
    if (invalid.length) console.error('demo sync data refused:', JSON.stringify(invalid));
  });
  // The demo closes its stand-ins when it stops; the relay that sends to them stops with them.
  const close = aqurate.close.bind(aqurate);
  (aqurate as { close: () => Promise<void> }).close = async () => {
    await relay.close();
    await close();
  };
  return relay.handle;
}
