// Shoptimiza behind the relay (seeds/004_037bf42be56d43f5.txt; notes/vendors.md). The shop's orders
// are kept in the sync queue as Shoptimiza's history; from it the sales file is streamed, never built
// whole in memory, both ways the seed offers: uploaded to `<host>/$API_KEY/sales-file` every 7 days
// (the schedule kept in the store, so a restart neither skips nor repeats an upload), and published at
// `GET <base>/shoptimiza/sales-file` for Shoptimiza to fetch, answered only for a valid X-Shoptimiza-Auth.
import { createHash, createHmac } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { backoff, succeeded } from '../events/policy';
import {
  SALES_FILE_MONTHS,
  SHOPTIMIZA_MAX_SKEW_MINUTES,
  SHOPTIMIZA_UPLOAD_EVERY_MS,
  SHOPTIMIZA_URL,
  type SalesOrder,
  type ShoptimizaDigests,
  salesFile,
  salesFileSince,
  salesFileUploadUrl,
  shoptimizaAuth,
  shoptimizaAuthInvalid,
} from '../vendors/shoptimiza';
import type { Log } from './log';
import type { RelayStore, SyncQueue } from './store';
import type { DataSender } from './sync';
import type { VendorModule } from './vendor';

export const nodeDigests: ShoptimizaDigests = {
  hmacSha256: (secret, message) => createHmac('sha256', secret).update(message, 'utf8').digest('base64'),
};

/** base64 of the SHA-1 of a body, as POST and PUT sign it. */
export const sha1Base64 = (body: string | Uint8Array): string => createHash('sha1').update(body).digest('base64');

/** The vendor's name in the sync queue: its entries are the order history the file is built from. */
export const SHOPTIMIZA = 'shoptimiza';
/** The published file's path under the relay's base path. */
export const SHOPTIMIZA_SALES_FILE_PATH = '/shoptimiza/sales-file';
/** Orders read from the store at a time while the file streams. */
const PAGE = 1000;
/** A first upload waits this long after the relay first starts, so that a backfill queued at setup is in it. */
export const SHOPTIMIZA_FIRST_UPLOAD_DELAY_MS = 10 * 60 * 1000;
/** An upload carries a year of orders: it gets more time than a vendor request. */
export const SHOPTIMIZA_UPLOAD_TIMEOUT_MS = 10 * 60 * 1000;
/** The store's meta key of the next upload's time (ms since the epoch), and of the failed attempts since the last success. */
export const NEXT_UPLOAD_KEY = 'shoptimiza:next-upload';
/** The store's turn that lets one relay of several upload the scheduled file. */
const UPLOAD_TURN = 'shoptimiza:upload';
/** A relay that finds another uploading looks at the schedule again after this. */
const UPLOAD_TURN_RETRY_MS = 5000;
const UPLOAD_TRIES_KEY = 'shoptimiza:upload-tries';

export interface ShoptimizaSettings {
  apiKey: string;
  secret: string;
  /** Upload host (the seed names only the path). */
  url: string;
  /** Upload every 7 days; otherwise only publish. */
  upload: boolean;
  /** The published file's URL as configured in Shoptimiza's account; else the request's Host and path. */
  salesFileUrl?: string;
  maxSkewMinutes?: number;
  months?: number;
  uploadTimeoutMs?: number;
}

/**
 * Shoptimiza's data sender: an order reaches "Shoptimiza" when it is in the history the next file is
 * built from, which is the queue's own entry. Nothing goes over the network here.
 */
export function shoptimizaSender(): DataSender {
  return {
    entities: ['order'],
    batch: PAGE,
    send: async (entries) => entries.map(() => ({ ok: true })),
  };
}

/** Every order in Shoptimiza's history, a page at a time. */
export async function* historyOrders(queue: SyncQueue): AsyncGenerator<SalesOrder> {
  let after = '';
  for (;;) {
    const page = await queue.records(SHOPTIMIZA, 'order', after, PAGE);
    for (const r of page) yield JSON.parse(r.record) as SalesOrder;
    if (page.length < PAGE) return;
    after = page[page.length - 1].key;
  }
}

/** The sales file's lines as a stream: the last `months` of orders (12 by default). */
export const salesFileStream = (queue: SyncQueue, now: number, months = SALES_FILE_MONTHS): Readable =>
  Readable.from(salesFile(historyOrders(queue), salesFileSince(now, months)));

/**
 * Answers Shoptimiza's fetch of the published file: 401 for a missing, wrong or stale header, else the
 * file, streamed with backpressure (HEAD: the headers only).
 */
export async function publishSalesFile(req: IncomingMessage, res: ServerResponse, s: ShoptimizaSettings, queue: SyncQueue, now: number, log: Log): Promise<void> {
  const method = req.method || 'GET';
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
    res.end(JSON.stringify(body));
  };
  if (method != 'GET' && method != 'HEAD') return json(405, { error: SHOPTIMIZA_SALES_FILE_PATH + ' takes GET' }, { allow: 'GET, HEAD' });
  // Shoptimiza signs the URL it fetches, without the protocol; behind a proxy that rewrites it, set salesFileUrl.
  const path = (req as { originalUrl?: string }).originalUrl || req.url || '/';
  const url = s.salesFileUrl || 'http://' + (req.headers.host || '') + path;
  const header = req.headers['x-shoptimiza-auth'];
  const why = shoptimizaAuthInvalid(typeof header == 'string' ? header : undefined, { verb: method, url }, { apiKey: s.apiKey, secret: s.secret, now, maxSkewMinutes: s.maxSkewMinutes }, nodeDigests);
  if (why) {
    log('warn', 'refused a fetch of the Shoptimiza sales file', { reason: why });
    return json(401, { error: why });
  }
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  if (method == 'HEAD') return void res.end();
  await pipeline(salesFileStream(queue, now, s.months), res).catch((err) => log('warn', 'the Shoptimiza sales file stream ended early', { error: String(err) }));
}

export interface UploadResult {
  ok: boolean;
  status: number;
  bytes: number;
  error?: string;
}

/** Writes the file to a temporary file, hashing it on the way (a POST signs its body's SHA-1), then POSTs it. */
export async function uploadSalesFile(s: ShoptimizaSettings, queue: SyncQueue, now: number): Promise<UploadResult> {
  const dir = await mkdtemp(join(tmpdir(), 'shoptimiza-'));
  const file = join(dir, 'sales-file.jsonl');
  try {
    const sha1 = createHash('sha1');
    const hash = new Transform({
      transform(chunk, _enc, done) {
        sha1.update(chunk);
        done(null, chunk);
      },
    });
    await pipeline(salesFileStream(queue, now, s.months), hash, createWriteStream(file));
    const bytes = (await stat(file)).size;
    const url = salesFileUploadUrl(s.url, s.apiKey);
    const auth = shoptimizaAuth(s.apiKey, s.secret, Math.floor(now / 1000), { verb: 'POST', url, bodySha1: sha1.digest('base64') }, nodeDigests);
    try {
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(bytes), 'x-shoptimiza-auth': auth },
        body: Readable.toWeb(createReadStream(file)) as ReadableStream,
        duplex: 'half',
        redirect: 'error',
        signal: AbortSignal.timeout(s.uploadTimeoutMs ?? SHOPTIMIZA_UPLOAD_TIMEOUT_MS),
      } as RequestInit);
      const text = await r.text();
      return succeeded(r.status) ? { ok: true, status: r.status, bytes } : { ok: false, status: r.status, bytes, error: 'shoptimiza answered ' + r.status + ': ' + text.slice(0, 300) };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      return { ok: false, status: 0, bytes, error: 'shoptimiza unreachable: ' + e.name + ' ' + (e.cause?.code || e.message) };
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface ShoptimizaUploader {
  /** When the next upload is due (ms since the epoch), as kept in the store. */
  nextUploadAt(): Promise<number>;
  /** Uploads now, and schedules the next one (7 days on success, backoff on failure). */
  uploadNow(): Promise<UploadResult>;
  /** Uploads at once when an upload is due, else schedules it; does not wait for the upload. */
  start(): void;
  /** When the armed timer will look again (ms since the epoch); undefined while none is armed. */
  scheduledAt(): number | undefined;
  stop(): Promise<void>;
}

/** Uploads the file every 7 days, on a schedule kept in the store's meta across restarts. */
export function shoptimizaUploader(
  s: ShoptimizaSettings,
  store: Pick<RelayStore, 'getMeta' | 'setMeta' | 'sync' | 'beginTurn' | 'endTurn'>,
  log: Log,
  opts: { now?: () => number; random?: () => number } = {},
): ShoptimizaUploader {
  const now = opts.now || Date.now;
  const random = opts.random || Math.random;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerAt: number | undefined;
  let running: Promise<UploadResult> | undefined;
  let stopped = true;

  const nextUploadAt = async (): Promise<number> => {
    const v = await store.getMeta(NEXT_UPLOAD_KEY);
    if (v) return +v;
    const first = now() + SHOPTIMIZA_FIRST_UPLOAD_DELAY_MS;
    await store.setMeta(NEXT_UPLOAD_KEY, String(first));
    return first;
  };

  const schedule = (at: number) => {
    clearTimeout(timer);
    timerAt = undefined;
    if (stopped) return;
    // setTimeout holds at most 2^31-1 ms (24.8 days); 7 days fits.
    timer = setTimeout(() => {
      timerAt = undefined;
      void run();
    }, Math.max(0, at - now()));
    timer.unref();
    timerAt = at;
  };

  const upload = async (): Promise<UploadResult> => {
    const r = await uploadSalesFile(s, store.sync, now());
    if (r.ok) {
      await store.setMeta(UPLOAD_TRIES_KEY, '0');
      await store.setMeta(NEXT_UPLOAD_KEY, String(now() + SHOPTIMIZA_UPLOAD_EVERY_MS));
      log('info', 'uploaded the Shoptimiza sales file', { bytes: r.bytes });
    } else {
      const tries = +((await store.getMeta(UPLOAD_TRIES_KEY)) || 0) + 1;
      await store.setMeta(UPLOAD_TRIES_KEY, String(tries));
      await store.setMeta(NEXT_UPLOAD_KEY, String(now() + backoff(tries, random())));
      log('warn', 'the Shoptimiza sales file upload failed; will retry', { error: r.error, tries });
    }
    return r;
  };

  const uploadNow = (): Promise<UploadResult> => {
    if (!running)
      running = upload().finally(() => {
        running = undefined;
        if (!stopped) void nextUploadAt().then(schedule);
      });
    return running;
  };

  async function run() {
    if (stopped) return;
    const due = await nextUploadAt();
    if (due > now()) return schedule(due);
    // Relays sharing a store upload once: the one holding the turn does, and the others find the next
    // upload moved on when they look again.
    const wait = await store.beginTurn(UPLOAD_TURN, 0);
    if (wait > 0) return schedule(now() + Math.max(wait, UPLOAD_TURN_RETRY_MS));
    try {
      const still = await nextUploadAt();
      if (still > now()) return schedule(still);
      await uploadNow().catch((err) => log('error', 'the Shoptimiza sales file upload failed', { error: String(err) }));
    } finally {
      await store.endTurn(UPLOAD_TURN, false);
    }
  }

  return {
    nextUploadAt,
    uploadNow,
    start() {
      stopped = false;
      run().catch((err) => log('error', 'the Shoptimiza upload schedule failed', { error: String(err) }));
    },
    scheduledAt: () => timerAt,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timerAt = undefined;
      await running?.catch(() => undefined);
    },
  };
}

/** Shoptimiza's keys in the relay's config. */
export interface ShoptimizaConfig {
  shoptimizaApiKey?: string;
  /** The shared secret of X-Shoptimiza-Auth. */
  shoptimizaSecret?: string;
  /** The upload's host; the seed names only the path `$API_KEY/sales-file`. */
  shoptimizaUrl: string;
  /** Upload the file every 7 days (else Shoptimiza fetches the published one). */
  shoptimizaUpload: boolean;
  /** The published file's URL as set in Shoptimiza's account, when a proxy changes the Host or path. */
  shoptimizaSalesFileUrl?: string;
  /** How far a header's time may be from the relay's, either way. */
  shoptimizaMaxSkewMinutes: number;
  /** Months of orders the file holds ("the last 6 months/1 year"). */
  shoptimizaMonths: number;
}

export const shoptimizaModule: VendorModule<ShoptimizaConfig> = {
  name: SHOPTIMIZA,
  fields: {
    shoptimizaApiKey: { kind: 'str' },
    shoptimizaSecret: { kind: 'secret' },
    shoptimizaUrl: { kind: 'url', default: SHOPTIMIZA_URL },
    shoptimizaUpload: { kind: 'bool', default: false },
    shoptimizaSalesFileUrl: { kind: 'url' },
    shoptimizaMaxSkewMinutes: { kind: 'int', default: SHOPTIMIZA_MAX_SKEW_MINUTES },
    shoptimizaMonths: { kind: 'int', default: SALES_FILE_MONTHS },
  },
  check(c) {
    const problems: string[] = [];
    if (!!c.shoptimizaApiKey != !!c.shoptimizaSecret) problems.push('shoptimizaApiKey and shoptimizaSecret: set both, or neither');
    if (c.shoptimizaMaxSkewMinutes < 1) problems.push('shoptimizaMaxSkewMinutes: must be at least 1');
    if (c.shoptimizaMonths < 1) problems.push('shoptimizaMonths: must be at least 1');
    return problems;
  },
  create(c, ctx) {
    if (!c.shoptimizaApiKey || !c.shoptimizaSecret) return undefined;
    const s: ShoptimizaSettings = {
      apiKey: c.shoptimizaApiKey,
      secret: c.shoptimizaSecret,
      url: c.shoptimizaUrl,
      upload: c.shoptimizaUpload,
      salesFileUrl: c.shoptimizaSalesFileUrl,
      maxSkewMinutes: c.shoptimizaMaxSkewMinutes,
      months: c.shoptimizaMonths,
    };
    const uploader = s.upload ? shoptimizaUploader(s, ctx.store, ctx.log, { now: ctx.now }) : undefined;
    return {
      sender: shoptimizaSender(),
      routes: [{ path: SHOPTIMIZA_SALES_FILE_PATH, serve: (req, res) => publishSalesFile(req, res, s, ctx.store.sync, ctx.now(), ctx.log) }],
      start: () => uploader?.start(),
      stop: async () => uploader?.stop(),
    };
  },
};
