// A relay process's data half for one vendor, for the kill tests of test/relay/vendor-backfill.test.ts:
// it opens the SQLite store, ends the claims a killed process left (as the relay does at start), and
// delivers the queue through the vendor's sender until it is killed.
import { aqurateTablesSender } from '../../src/relay/aqurate-tables';
import { vendorBudget } from '../../src/relay/budget';
import { engageSender } from '../../src/relay/engage';
import { createLog } from '../../src/relay/log';
import { quarticonDataSender } from '../../src/relay/quarticon-data';
import { shoptimizaSender, shoptimizaUploader } from '../../src/relay/shoptimiza';
import { sqliteStore } from '../../src/relay/store';
import { type DataSender, syncEngine } from '../../src/relay/sync';

const o = JSON.parse(process.env.BACKFILL_CHILD!) as { db: string; vendor: string; url: string; key: string; secret?: string };
const log = createLog([o.key, o.secret]);
const store = sqliteStore(o.db);
await store.ready;
await store.sync.release(Date.now());

const senders: { [vendor: string]: () => DataSender } = {
  aqurate: () => aqurateTablesSender({ url: o.url, token: o.key, budget: vendorBudget(store, 'aqurate', 1000) }),
  engage: () => engageSender({ url: o.url, token: o.key }),
  quarticon: () => quarticonDataSender({ url: o.url, apiKey: o.key }),
  shoptimiza: () => shoptimizaSender(),
};
const engine = syncEngine(store.sync, [{ name: o.vendor, sender: senders[o.vendor]() }], log);
engine.start();
if (o.vendor == 'shoptimiza') shoptimizaUploader({ apiKey: o.key, secret: o.secret!, url: o.url, upload: true }, store, log).start();
process.stdout.write('ready\n');
setInterval(() => undefined, 60_000);
