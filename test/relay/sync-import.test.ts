// The import (src/relay/import.ts): streamed, every bad line named with its number, field and rule,
// no valid record lost, and a repeated run queues nothing twice.
import { mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { datacueSender } from '../../src/relay/datacue';
import { type ImportProblem, MAX_LINE_BYTES, csvCells, importFile } from '../../src/relay/import';
import { type RelayStore, sqliteStore } from '../../src/relay/store';

const vendors = [{ name: 'datacue', sender: datacueSender({ url: 'http://127.0.0.1:9', apiKey: 'k', apiSecret: 'secret-123' }) }];
const order = (id: string, extra: object = {}) =>
  JSON.stringify({ order_id: id, customer_id: 'u1', status: 'completed', created_at: '2024-01-01T10:00:00Z', currency: 'EUR', lines: [{ product_id: 'p1', variant_id: 'v1', quantity: 1, unit_price: 9.5 }], ...extra });

let dir: string;
let store: RelayStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sync-import-'));
  store = sqliteStore(join(dir, 'relay.sqlite'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = async (name: string, entity: 'order' | 'product', content?: string) => {
  const path = join(dir, name);
  if (content !== undefined) writeFileSync(path, content);
  const problems: ImportProblem[] = [];
  const summary = await importFile(store.sync, vendors, path, { entity, onProblem: (p) => problems.push(p) });
  // Lines that are not records are reported as read, records refused once their batch is checked.
  return { summary, problems: problems.sort((a, b) => a.line - b.line) };
};

describe('import', () => {
  it('reports a bad JSON line, a missing field and a wrong type by line, and queues every valid record', async () => {
    const { summary, problems } = await run(
      'orders.jsonl',
      'order',
      [order('o1'), '{"order_id": "o2",', order('o3', { currency: undefined }), order('o4', { lines: [{ product_id: 'p1', variant_id: 'v1', quantity: true, unit_price: 1 }] }), '', order('o5'), '[1]'].join('\n'),
    );
    expect(problems).toEqual([
      { line: 2, field: 'line', rule: expect.stringContaining('is not JSON') },
      { line: 3, field: 'order.currency', rule: 'is required' },
      { line: 4, field: 'order.lines[0].quantity', rule: 'must be a number greater than 0' },
      { line: 7, field: 'line', rule: 'must be a JSON object' },
    ]);
    expect(summary).toMatchObject({ read: 6, accepted: 2, invalid: 4, queued: 2 });
    expect((await store.sync.status()).counts.datacue.order.waiting).toBe(2);
  });

  it('reads CSV with quoting and JSON cells, and names a badly quoted line', async () => {
    const cats = '"[{""category_id"":""c1"",""name"":""Men""}]"';
    const { summary, problems } = await run(
      'products.csv',
      'product',
      [
        'product_id,name,link,photo_url,categories,variant_id,price,stock',
        `p1,"Shirt, linen ""classic""",/p/1,/i/1.jpg,${cats},v1,9.50,3`,
        `p2,Bad "quote",/p/2,/i/2.jpg,${cats},v1,9.5,3`,
        `p3,"Unclosed,/p/3,/i/3.jpg,[],v1,9.5,3`,
        `p4,Hat,/p/4,/i/4.jpg,${cats},v1,9.5`,
        `p5,Cap,/p/5,/i/5.jpg,not json,v1,9.5,3`,
        `p6,Scarf,/p/6,/i/6.jpg,${cats},v1,12,0`,
      ].join('\r\n') + '\r\n',
    );
    expect(problems.map((p) => [p.line, p.field, p.rule.split(' (')[0]])).toEqual([
      [3, 'line', 'a quote inside an unquoted field'],
      [4, 'line', 'a quoted field is not closed on its line'],
      [5, 'line', 'has 7 cells; the header has 8'],
      [6, 'product.categories', 'must be JSON in a CSV cell'],
    ]);
    expect(summary).toMatchObject({ read: 6, accepted: 2, invalid: 4 });
    const [p1] = await store.sync.claim('datacue', Date.now(), 1, 1000);
    expect(JSON.parse(p1.record)).toMatchObject({ name: 'Shirt, linen "classic"', variants: [{ variant_id: 'v1', price: 9.5, stock: 3 }] });
    expect(csvCells('a,"",c')).toEqual(['a', '', 'c']);
  });

  it('skips a 50 MB line without holding it, and keeps the records around it', async () => {
    const path = join(dir, 'big.jsonl');
    const out = createWriteStream(path);
    out.write(order('o1') + '\n');
    const chunk = 'x'.repeat(1024 * 1024);
    out.write('{"order_id": "huge", "note": "');
    for (let i = 0; i < 50; i++) out.write(chunk);
    out.write('"}\n' + order('o2') + '\n');
    await new Promise((r) => out.end(r));
    const before = process.memoryUsage().rss;
    const { summary, problems } = await run('big.jsonl', 'order');
    expect(problems).toEqual([{ line: 2, field: 'line', rule: 'longer than ' + MAX_LINE_BYTES + ' bytes' }]);
    expect(summary).toMatchObject({ read: 3, accepted: 2, invalid: 1 });
    // Streamed: the process did not take the line's 50 MB (let alone its UTF-16 copy) into memory.
    expect(process.memoryUsage().rss - before).toBeLessThan(40 * 1024 * 1024);
  });

  it('queues nothing twice when run again on the same file, and only the changed records of a newer file', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => order('o' + i));
    const first = await run('orders.jsonl', 'order', lines.join('\n'));
    expect(first.summary).toMatchObject({ accepted: 3000, queued: 3000 });
    const again = await run('orders.jsonl', 'order');
    expect(again.summary).toMatchObject({ accepted: 3000, queued: 0 });
    lines[7] = order('o7', { status: 'cancelled' });
    const changed = await run('orders.jsonl', 'order', lines.join('\n'));
    expect(changed.summary).toMatchObject({ accepted: 3000, queued: 1 });
    expect((await store.sync.status()).counts.datacue.order.waiting).toBe(3000);
  });
});
