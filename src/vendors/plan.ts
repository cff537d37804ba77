// What every vendor's data mapper shares: the queued changes it reads, the requests it plans, and the
// changes it refuses with the field and the rule (DataCue's planDataCue has the same shape).
// Pure: canonical records (data/types.ts) in, vendor requests out.

/** One queued change as a mapper reads it. */
export interface Change {
  entity: string;
  op: 'upsert' | 'delete';
  /** The canonical record (upsert) or its id fields (delete). */
  record: { [field: string]: unknown };
  /** An earlier version reached the vendor: an upsert is an update there. */
  delivered: boolean;
}

export interface PlannedRequest<B = unknown> {
  method: 'GET' | 'POST';
  /** From the vendor's API root: "/input/orders". */
  path: string;
  body: B;
  /** For each change the request carries, its index in the changes planned. */
  owners: number[];
}

export interface Plan<B = unknown> {
  requests: PlannedRequest<B>[];
  /** Changes the vendor has nothing for (a delete its API cannot express, a record it does not keep). */
  nothing: number[];
  /** Changes the vendor would refuse: "field: rule", and they are not sent. */
  invalid: { index: number; error: string }[];
}

export const emptyPlan = <B>(): Plan<B> => ({ requests: [], nothing: [], invalid: [] });

/** Thrown by a mapper for a record the vendor would refuse; the planner reports it and sends the rest. */
export class VendorRuleError extends Error {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(field + ': ' + rule);
  }
}

const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/;

/**
 * An ISO 8601 date of the canonical model (data/validate.ts) as a Date. A date and time without a zone
 * is read as UTC, as a date alone is, so the result never depends on the relay's own time zone.
 */
export function parseIsoDate(s: string): Date {
  let v = s.trim().replace(' ', 'T');
  if (v.length > 10 && !HAS_ZONE.test(v)) v += 'Z';
  return new Date(v);
}

/** ISO 8601 in UTC: "2024-03-01T11:00:00.000Z". */
export const utcIso = (s: string): string => parseIsoDate(s).toISOString();

/** Splits a list into runs of at most `size`. */
export function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Rounds money to cents, so sums of floats do not show 40.00000000001. */
export const cents = (n: number): number => Math.round(n * 100) / 100;

/** The UTF-8 length of a string, for body caps (a surrogate pair is 4 bytes, 2 per half). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xe000 ? 2 : 3;
  }
  return n;
}
