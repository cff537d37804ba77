// `shoptrack-relay import <kind> <file>`: the one-time backfill. The file is read as a stream, one
// record a line (JSON Lines, or CSV with a header), so memory does not grow with it; each batch of
// records is queued in one durable transaction before the next is read. An invalid line is reported
// with its number, the field and the rule, and the valid ones go on. A record equal to the version
// already queued or sent is not queued again, so a run repeated after a kill queues nothing twice.
import { createReadStream, statSync } from 'node:fs';
import { ENTITIES, type Entity } from '../data/types';
import { isEntity } from '../data/validate';
import { isObj } from '../events/validate';
import type { SyncQueue } from './store';
import { type DataSender, type SyncInput, submitChanges } from './sync';

/** Records queued in one transaction: large enough that the disk's sync costs little per record. */
export const IMPORT_BATCH = 2000;
/** A longer line is refused (and skipped without being held in memory): no record comes near it. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** The names a kind may be given on the command line. */
const KINDS: { [name: string]: Entity } = {};
for (const e of ENTITIES) KINDS[e] = KINDS[e + 's'] = e;
KINDS.categories = 'category';

export const importKind = (name: string): Entity | undefined => KINDS[name];

export interface ImportProblem {
  line: number;
  field: string;
  rule: string;
}

export interface ImportProgress {
  /** Bytes read of `size`. */
  bytes: number;
  size: number;
  /** Lines read (records and refused lines; the CSV header and blank lines not counted). */
  read: number;
  /** Records accepted (each queued, or equal to the version already queued or sent). */
  accepted: number;
  invalid: number;
  /** Vendor entries new or replaced by this run: 0 when a run is repeated on the same file. */
  queued: number;
}

export interface ImportOptions {
  entity: Entity;
  /** upsert (default) or delete: the lines then hold the ids. */
  op?: 'upsert' | 'delete';
  /** jsonl or csv; by the file's extension when not given. */
  format?: 'jsonl' | 'csv';
  now?: () => number;
  /** Called after every batch. */
  onProgress?(p: ImportProgress): void;
  /** Called for each refused line. */
  onProblem?(p: ImportProblem): void;
}

/** The lines of a file, streamed; a line over MAX_LINE_BYTES comes as `tooLong` without its text. */
async function* lines(path: string, onBytes: (n: number) => void): AsyncGenerator<{ n: number; text?: string; tooLong?: true }> {
  let parts: Buffer[] = [];
  let length = 0;
  let tooLong = false;
  let n = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    onBytes(chunk.length);
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      n++;
      if (tooLong || length + piece.length > MAX_LINE_BYTES) yield { n, tooLong: true };
      else yield { n, text: Buffer.concat([...parts, piece]).toString('utf8').replace(/\r$/, '') };
      parts = [];
      length = 0;
      tooLong = false;
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    if (tooLong || length + rest.length > MAX_LINE_BYTES) {
      tooLong = true;
      parts = [];
    } else {
      // A copy: the stream may reuse the chunk's memory.
      parts.push(Buffer.from(rest));
      length += rest.length;
    }
  }
  if (tooLong) yield { n: n + 1, tooLong: true };
  else if (length) yield { n: n + 1, text: Buffer.concat(parts).toString('utf8').replace(/\r$/, '') };
}

/** One CSV line's cells (RFC 4180 quoting; a record is one line), or the problem. */
export function csvCells(line: string): string[] | { rule: string } {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] == '"') {
      let cell = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return { rule: 'a quoted field is not closed on its line' };
        cell += line.slice(i, q);
        if (line[q + 1] == '"') {
          cell += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      if (i < line.length && line[i] != ',') return { rule: 'a closing quote must end its field (write "" for a quote inside one)' };
      cells.push(cell);
    } else {
      const comma = line.indexOf(',', i);
      const cell = line.slice(i, comma < 0 ? line.length : comma);
      if (cell.includes('"')) return { rule: 'a quote inside an unquoted field (quote the field and write "" for the quote)' };
      cells.push(cell);
      i = comma < 0 ? line.length : comma;
    }
    if (i >= line.length) return cells;
    i++;
  }
}

/** Fields whose CSV cell holds JSON (a list or an object). */
const JSON_FIELDS = new Set(['variants', 'lines', 'categories', 'parents', 'profile', 'attributes', 'extra', 'wishlist']);
/** A product row without a `variants` column: these columns are its one variant. */
const VARIANT_COLUMNS = ['variant_id', 'sku', 'price', 'full_price', 'stock', 'stock_type', 'color', 'size'];

/** A CSV row as a record: empty cells left out, JSON cells parsed. Throws the field and the rule. */
function csvRecord(entity: Entity, header: string[], cells: string[]): { [k: string]: unknown } | ImportProblem {
  if (cells.length != header.length) return { line: 0, field: 'line', rule: 'has ' + cells.length + ' cells; the header has ' + header.length };
  const r: { [k: string]: unknown } = {};
  for (let i = 0; i < header.length; i++) {
    const v = cells[i];
    if (v === '') continue;
    if (JSON_FIELDS.has(header[i])) {
      try {
        r[header[i]] = JSON.parse(v);
      } catch {
        return { line: 0, field: entity + '.' + header[i], rule: 'must be JSON in a CSV cell' };
      }
    } else r[header[i]] = v;
  }
  if (entity == 'product' && !header.includes('variants')) {
    const variant: { [k: string]: unknown } = {};
    for (const c of VARIANT_COLUMNS)
      if (c in r) {
        variant[c] = r[c];
        delete r[c];
      }
    r.variants = [variant];
  }
  return r;
}


/** Reads `path` and queues its records for `vendors`; resolves with the counts once all is on disk. */
export async function importFile(queue: SyncQueue, vendors: { name: string; sender: DataSender }[], path: string, o: ImportOptions): Promise<ImportProgress> {
  if (!isEntity(o.entity)) throw new Error('kind: must be one of ' + ENTITIES.join(', '));
  const format = o.format || (/\.csv$/i.test(path) ? 'csv' : 'jsonl');
  const op = o.op || 'upsert';
  const now = o.now || Date.now;
  const p: ImportProgress = { bytes: 0, size: statSync(path).size, read: 0, accepted: 0, invalid: 0, queued: 0 };
  let header: string[] | undefined;
  let batch: SyncInput[] = [];
  let batchLines: number[] = [];

  const problem = (x: ImportProblem) => {
    p.invalid++;
    o.onProblem?.(x);
  };
  const flush = async () => {
    if (!batch.length) return;
    const answers = await submitChanges(queue, vendors, batch, now(), p);
    answers.forEach((a, i) => {
      if (a.status == 'accepted') p.accepted++;
      else problem({ line: batchLines[i], field: a.field, rule: a.rule });
    });
    batch = [];
    batchLines = [];
    o.onProgress?.({ ...p });
  };

  for await (const l of lines(path, (n) => (p.bytes += n))) {
    if (l.text !== undefined && !l.text.trim()) continue;
    if (format == 'csv' && !header) {
      const cells = l.text === undefined ? { rule: 'longer than ' + MAX_LINE_BYTES + ' bytes' } : csvCells(l.text.replace(/^\uFEFF/, ''));
      if (!Array.isArray(cells)) throw new Error(path + ': line ' + l.n + ': the CSV header ' + cells.rule);
      header = cells.map((c) => c.trim());
      continue;
    }
    p.read++;
    if (l.tooLong) {
      problem({ line: l.n, field: 'line', rule: 'longer than ' + MAX_LINE_BYTES + ' bytes' });
      continue;
    }
    let record: unknown;
    if (format == 'csv') {
      const cells = csvCells(l.text!);
      if (!Array.isArray(cells)) {
        problem({ line: l.n, field: 'line', rule: cells.rule });
        continue;
      }
      const r = csvRecord(o.entity, header!, cells);
      if ('rule' in r && 'line' in r) {
        problem({ ...(r as ImportProblem), line: l.n });
        continue;
      }
      record = r;
    } else {
      try {
        record = JSON.parse(l.text!);
      } catch (err) {
        problem({ line: l.n, field: 'line', rule: 'is not JSON: ' + (err as Error).message });
        continue;
      }
      if (!isObj(record)) {
        problem({ line: l.n, field: 'line', rule: 'must be a JSON object' });
        continue;
      }
    }
    batch.push({ entity: o.entity, op, record });
    batchLines.push(l.n);
    if (batch.length >= IMPORT_BATCH) await flush();
  }
  await flush();
  return p;
}
