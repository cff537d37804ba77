// Readings of loose values, as shop plugins print them: pure and free of tables, so that code needing
// only these (the widgets' chunk) does not bundle the event rules of validate.ts.
export const isObj = (v: unknown): v is { [k: string]: unknown } => typeof v == 'object' && v !== null && !Array.isArray(v);
export const isNum = (v: unknown): v is number => typeof v == 'number' && isFinite(v);
/** A non-empty string, or a finite number as a string. */
export const asId = (v: unknown): string | undefined => ((typeof v == 'string' && v) || isNum(v) ? '' + v : undefined);
/** A number, or a numeric string such as "12.00" as shop plugins print prices. */
export const asNum = (v: unknown): number | undefined =>
  isNum(v) ? v : typeof v == 'string' && v.trim() && isNum(+v) ? +v : undefined;
