// The import command's terminal side: a progress bar on a TTY (read, queued, delivered per vendor, rate,
// ETA), plain progress lines otherwise, every refused line with its number, field and rule, a summary.
import { ENTITIES } from '../data/types';
import { type RelayConfig, secretsOf } from './config';
import { configuredVendors, openStore } from './handler';
import { type ImportProgress, importFile, importKind } from './import';
import { createLog } from './log';
import type { SyncStatus } from './store';

export const IMPORT_USAGE =
  'usage: shoptrack-relay import <kind> <file> [--delete] [--format jsonl|csv] [--wait] [--config relay.json]\n' +
  '  kind: ' + ENTITIES.map((e) => (e == 'category' ? 'categories' : e + 's')).join(', ') + '\n' +
  '  file: JSON Lines (one record a line) or CSV with a header (by extension, or --format)\n' +
  '  --delete: the lines hold ids to delete; --wait: stay until the running relay has delivered them\n' +
  'See docs/sync.md, "Import".\n';

/** How often the progress is drawn. */
const PROGRESS_EVERY_MS = 250;
const PLAIN_EVERY_MS = 5000;
const BAR_WIDTH = 24;
/** Refused lines printed one by one; the rest are counted. */
const PROBLEMS_SHOWN = 200;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function delivered(s: SyncStatus | undefined, entity: string): string {
  if (!s) return '';
  return Object.entries(s.counts)
    .map(([vendor, byEntity]) => {
      const c = byEntity[entity] || { waiting: 0, sent: 0, failed: 0 };
      return vendor + ' ' + fmt(c.sent) + ' sent' + (c.failed ? ', ' + fmt(c.failed) + ' failed' : '') + ', ' + fmt(c.waiting) + ' waiting';
    })
    .join('; ');
}

export async function runImport(config: RelayConfig, args: string[], out: NodeJS.WriteStream = process.stderr): Promise<number> {
  const positional = args.filter((a, i) => !a.startsWith('--') && !['--format', '--config'].includes(args[i - 1]));
  const [kindName, file] = positional;
  const entity = kindName ? importKind(kindName) : undefined;
  if (!entity || !file) {
    out.write(IMPORT_USAGE);
    return 2;
  }
  const f = args.indexOf('--format');
  const format = f >= 0 ? args[f + 1] : undefined;
  if (format !== undefined && format != 'jsonl' && format != 'csv') {
    out.write('--format: must be jsonl or csv\n');
    return 2;
  }
  const log = createLog(secretsOf(config), (l) => out.write(l + '\n'));
  const store = openStore(config, log, { recover: false });
  const { senders } = configuredVendors(config, store, log, Date.now);
  if (!senders.some((s) => s.sender.entities.includes(entity))) out.write('note: no configured vendor takes ' + entity + ' records; they are checked, not queued\n');
  const tty = !!out.isTTY;
  const started = Date.now();
  let last: ImportProgress | undefined;
  let status: SyncStatus | undefined;
  let drawn = 0;
  let shown = 0;
  let statusAt = 0;

  const line = (p: ImportProgress) => {
    const secs = (Date.now() - started) / 1000;
    const rate = p.read / Math.max(secs, 0.001);
    const share = p.size ? p.bytes / p.size : 1;
    const eta = share > 0 && share < 1 ? Math.round((secs / share) * (1 - share)) + ' s' : '—';
    const bar = '#'.repeat(Math.round(share * BAR_WIDTH)).padEnd(BAR_WIDTH, '.');
    return (
      (tty ? '[' + bar + '] ' : '') + Math.floor(share * 100) + '% read ' + fmt(p.read) + ', accepted ' + fmt(p.accepted) + ', invalid ' + fmt(p.invalid) +
      ', ' + fmt(rate) + '/s, ETA ' + eta + (status ? ' | ' + delivered(status, entity) : '')
    );
  };
  const draw = async (p: ImportProgress, force = false) => {
    last = p;
    const t = Date.now();
    if (!force && t - drawn < (tty ? PROGRESS_EVERY_MS : PLAIN_EVERY_MS)) return;
    drawn = t;
    if (t - statusAt > 1000 || force) {
      statusAt = t;
      status = await store.sync.status(0);
    }
    out.write(tty ? '\r\x1b[K' + line(p) : line(p) + '\n');
  };

  let code = 0;
  try {
    const summary = await importFile(store.sync, senders, file, {
      entity,
      op: args.includes('--delete') ? 'delete' : 'upsert',
      format: format as 'jsonl' | 'csv' | undefined,
      onProgress: (p) => void draw(p),
      onProblem: (p) => {
        if (++shown > PROBLEMS_SHOWN) return;
        out.write((tty ? '\r\x1b[K' : '') + file + ':' + p.line + ': ' + p.field + ': ' + p.rule + '\n');
      },
    });
    await draw(summary, true);
    if (tty) out.write('\n');
    if (shown > PROBLEMS_SHOWN) out.write('… and ' + fmt(shown - PROBLEMS_SHOWN) + ' more invalid lines\n');
    out.write(
      'import ' + entity + ' ' + file + ': ' + fmt(summary.read) + ' lines, ' + fmt(summary.accepted) + ' accepted, ' + fmt(summary.invalid) + ' invalid; ' +
        fmt(summary.queued) + ' new vendor entries queued in ' + ((Date.now() - started) / 1000).toFixed(1) + ' s\n',
    );
    if (args.includes('--wait'))
      for (;;) {
        status = await store.sync.status(0);
        const waiting = Object.values(status.counts).reduce((n, byEntity) => n + (byEntity[entity]?.waiting || 0), 0);
        if (!waiting) break;
        if (last) await draw(last, true);
        await new Promise((r) => setTimeout(r, 1000));
      }
    out.write('delivery: ' + (delivered(await store.sync.status(0), entity) || 'no vendor takes ' + entity) + '\n');
    if (summary.invalid) code = 1;
  } finally {
    await store.close();
  }
  return code;
}
