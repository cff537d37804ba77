// The relay's config: a JSON file and environment variables (which win), every field checked.
// Each key `fooBar` of the file is the variable SHOPTRACK_RELAY_FOO_BAR.
import { readFileSync } from 'node:fs';
import proxyaddr from 'proxy-addr';
import { MIN_SECRET_LENGTH } from './log';
import { LEASE_MS } from './lease';
import { SYNC_LEASE_MS } from './sync';
import { isPostgresUrl } from './store-pg';
import type { FieldKind } from './vendor';
import { VENDOR_TIMEOUT_MS } from './vendor-http';
import { VENDORS, type VendorConfig } from './vendors';

/** The relay's own keys; each vendor module adds its own (src/relay/vendors.ts). */
export interface CoreConfig {
  /** Where the CLI listens. */
  port: number;
  host: string;
  /** The path the relay answers under: "/relay" unless set ("/" or "" for the root). */
  basePath: string;
  /** The SQLite file of the durable outbox. */
  dbPath: string;
  /**
   * A PostgreSQL database for the outbox instead of the SQLite file (postgres://user:password@host/db):
   * several relays may share it (docs/relay.md, "Several relays").
   */
  storeUrl?: string;
  /** How long a relay on PostgreSQL holds jobs it sends before another relay may take them over (it died). */
  storeLeaseMs: number;
  /** How long a relay holds a batch of the shop's records it sends before another relay (or its own restart on PostgreSQL) takes it over. */
  syncLeaseMs: number;
  /** Origins whose pages may post events; "*" for any. Requests without an Origin header are allowed. */
  allowedOrigins: string[];
  maxBodyBytes: number;
  /** Requests a client may make per minute, and at once. */
  rateLimitPerMinute: number;
  rateLimitBurst: number;
  /**
   * The reverse proxies in front of the relay, as Express's "trust proxy": how many (hops), or their
   * addresses and subnets ("loopback", "10.0.0.0/8"); false for none. From a trusted proxy the relay
   * reads the client's address in X-Forwarded-For (the last untrusted entry, never the client-written
   * first one) and the page's host and scheme in X-Forwarded-Host and X-Forwarded-Proto.
   */
  trustProxy: TrustProxy;
  vendorTimeoutMs: number;
  /** The admin API's bearer token (docs/sync.md); without it the admin API is off. */
  adminToken?: string;
  /** Bodies of admin requests (a batch of records) past this are refused with 413. */
  adminMaxBodyBytes: number;
}

export type RelayConfig = CoreConfig & VendorConfig;

export type TrustProxy = false | number | string[];

/** Bodies past this are refused with 413: a browser batch is at most 64 KiB (the keepalive budget). */
export const MAX_BODY_BYTES = 256 * 1024;
/** An admin batch: 1,000 records of a few KB each (ADMIN_MAX_RECORDS in admin.ts). */
export const ADMIN_MAX_BODY_BYTES = 16 * 1024 * 1024;

const vendorDefaults = (): { [key: string]: unknown } => {
  const out: { [key: string]: unknown } = {};
  for (const v of VENDORS) for (const [key, f] of Object.entries(v.fields)) if (f.default !== undefined) out[key] = f.default;
  return out;
};

export const DEFAULTS: RelayConfig = {
  port: 8787,
  host: '127.0.0.1',
  // Every example (docs/relay.md, the demo, relay_url in the README) mounts the relay at /relay.
  basePath: '/relay',
  dbPath: '.relay-data/relay.sqlite',
  storeLeaseMs: LEASE_MS,
  syncLeaseMs: SYNC_LEASE_MS,
  allowedOrigins: [],
  maxBodyBytes: MAX_BODY_BYTES,
  rateLimitPerMinute: 120,
  rateLimitBurst: 60,
  trustProxy: false,
  vendorTimeoutMs: VENDOR_TIMEOUT_MS,
  adminMaxBodyBytes: ADMIN_MAX_BODY_BYTES,
  ...vendorDefaults(),
} as unknown as RelayConfig;

type Kind = FieldKind | 'list' | 'path' | 'trust';
const CORE_FIELDS: { [K in keyof CoreConfig]-?: Kind } = {
  port: 'int',
  host: 'str',
  basePath: 'path',
  dbPath: 'str',
  storeUrl: 'str',
  storeLeaseMs: 'int',
  syncLeaseMs: 'int',
  allowedOrigins: 'list',
  maxBodyBytes: 'int',
  rateLimitPerMinute: 'int',
  rateLimitBurst: 'int',
  trustProxy: 'trust',
  vendorTimeoutMs: 'int',
  adminToken: 'secret',
  adminMaxBodyBytes: 'int',
};

/** Every key the config takes, the relay's and each vendor's, with its kind. */
const FIELDS: { [key: string]: Kind } = { ...CORE_FIELDS };
for (const v of VENDORS) for (const [key, f] of Object.entries(v.fields)) FIELDS[key] = f.kind;

const TRUST_RULE =
  'must be false, the number of proxies in front of the relay (such as 1), or their addresses and subnets (such as "loopback, 10.0.0.0/8")';

/** trustProxy from the file or the environment, or the rule it breaks. */
function readTrust(v: unknown): TrustProxy | string {
  if (v === false || v === 'false' || v === 0 || v === '0') return false;
  if (v === true || v === 'true')
    return "true would trust every X-Forwarded-For entry, and the first one is written by the client; give the number of proxies in front of the relay (such as 1) or their addresses";
  if (typeof v == 'number' || (typeof v == 'string' && /^\d+$/.test(v))) {
    const n = Number(v);
    return Number.isInteger(n) && n > 0 ? n : TRUST_RULE;
  }
  const list = typeof v == 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v;
  if (!Array.isArray(list) || !list.length || list.some((s) => typeof s != 'string')) return TRUST_RULE;
  try {
    proxyaddr.compile(list as string[]);
  } catch (err) {
    return TRUST_RULE + '; ' + (err as Error).message;
  }
  return list as string[];
}

/** The trust function of proxy-addr for a config's trustProxy, or undefined when no proxy is trusted. */
export function trustFunction(t: TrustProxy): ((addr: string, hop: number) => boolean) | undefined {
  if (t === false) return undefined;
  if (typeof t == 'number') return (_addr, hop) => hop < t;
  return proxyaddr.compile(t);
}

export const envName = (key: string): string => 'SHOPTRACK_RELAY_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
export const CONFIG_FILE_ENV = 'SHOPTRACK_RELAY_CONFIG';

/** A config from a file's object and the environment; throws one error naming every bad field. */
export function readRelayConfig(env: { [k: string]: string | undefined }, file: { [k: string]: unknown } = {}): RelayConfig {
  const cfg = { ...DEFAULTS } as { [k: string]: unknown };
  const problems: string[] = [];
  for (const k in file) if (!(k in FIELDS)) problems.push(k + ': unknown key');
  for (const key of Object.keys(FIELDS)) {
    const name = envName(key);
    const fromEnv = env[name];
    let v: unknown = fromEnv !== undefined && fromEnv !== '' ? fromEnv : file[key];
    if (v === undefined || v === null) continue;
    const kind = FIELDS[key];
    const bad = (rule: string) => problems.push(key + ' (' + name + '): ' + rule);
    if (kind == 'int') {
      const n = typeof v == 'string' ? Number(v) : v;
      if (typeof n != 'number' || !Number.isInteger(n) || n < 0) {
        bad('must be a whole number of at least 0');
        continue;
      }
      v = n;
    } else if (kind == 'bool') {
      if (v === 'true' || v === '1') v = true;
      else if (v === 'false' || v === '0') v = false;
      if (typeof v != 'boolean') {
        bad('must be true or false');
        continue;
      }
    } else if (kind == 'trust') {
      const t = readTrust(v);
      if (typeof t == 'string') {
        bad(t);
        continue;
      }
      v = t;
    } else if (kind == 'list') {
      if (typeof v == 'string') v = v.split(',').map((s) => s.trim()).filter(Boolean);
      if (!Array.isArray(v) || v.some((s) => typeof s != 'string')) {
        bad('must be a list of origins (comma-separated in the environment)');
        continue;
      }
      for (const o of v as string[]) if (o != '*' && !/^https?:\/\/[^/]+$/.test(o)) bad('"' + o + '" is not an origin such as https://shop.example');
    } else {
      if (typeof v != 'string') {
        bad('must be a string');
        continue;
      }
      if (kind == 'url') {
        if (!/^https?:\/\/[^/?#]+(\/[^?#]*)?$/.test(v)) bad('must be an http(s) URL without query or fragment');
        v = v.replace(/\/+$/, '');
      } else if (kind == 'path') {
        if (v && !/^\/[\w\-./]*$/.test(v)) bad('must be a path starting with /, such as /relay');
        v = v.replace(/\/+$/, '');
      } else if (kind == 'secret' && v.length < MIN_SECRET_LENGTH) bad('is shorter than ' + MIN_SECRET_LENGTH + ' characters');
    }
    cfg[key] = v;
  }
  const c = cfg as unknown as RelayConfig;
  for (const v of VENDORS) if (v.check) problems.push(...v.check(c));
  if (c.storeUrl !== undefined && !isPostgresUrl(c.storeUrl)) problems.push('storeUrl: must be a PostgreSQL URL such as postgres://user:password@host:5432/shop');
  // A lease that ran out while its request was still on the wire would let a second relay send the same jobs.
  if (c.syncLeaseMs < 2 * c.vendorTimeoutMs) problems.push('syncLeaseMs: must be at least twice vendorTimeoutMs (' + 2 * c.vendorTimeoutMs + ')');
  if (c.storeLeaseMs < 2 * c.vendorTimeoutMs) problems.push('storeLeaseMs: must be at least twice vendorTimeoutMs (' + 2 * c.vendorTimeoutMs + ')');
  if (c.rateLimitPerMinute < 1 || c.rateLimitBurst < 1) problems.push('rateLimitPerMinute and rateLimitBurst: must be at least 1');
  if (problems.length) throw new Error('relay config:\n  ' + problems.join('\n  '));
  return c;
}

/** The config of the CLI: SHOPTRACK_RELAY_CONFIG (or --config) names the JSON file, the environment adds to it. */
export function loadRelayConfig(env: { [k: string]: string | undefined }, filePath = env[CONFIG_FILE_ENV]): RelayConfig {
  let file: { [k: string]: unknown } = {};
  if (filePath) {
    const parsed: unknown = JSON.parse(readFileSync(filePath, 'utf8'));
    if (!parsed || typeof parsed != 'object' || Array.isArray(parsed)) throw new Error('relay config: ' + filePath + ' must hold a JSON object');
    file = parsed as { [k: string]: unknown };
  }
  return readRelayConfig(env, file);
}

/** The secrets of a config, for the log to scrub. */
export const secretsOf = (c: RelayConfig): (string | undefined)[] => [
  ...Object.keys(FIELDS)
    .filter((key) => FIELDS[key] == 'secret')
    .map((key) => (c as unknown as { [key: string]: string | undefined })[key]),
  storePassword(c.storeUrl),
];

/** The password in a database URL, which the log must never show. */
function storePassword(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
