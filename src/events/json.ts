// JSON serialisation that trusts nothing on the host page: Prototype.js defines Array.prototype.toJSON
// (so JSON.stringify([1]) yields '"[1]"'), and old libraries patch JSON.stringify itself
// (notes/anchors.md). This never calls toJSON, never reads JSON, and skips what JSON would skip.

// Control characters, quotes, backslashes, and the two line separators that break old parsers, all as
// \uXXXX (valid JSON, and one rule instead of a table).
const NEEDS = /["\\\u0000-\u001f\u2028\u2029]/g;

export const str = (s: string): string =>
  '"' + s.replace(NEEDS, (c) => '\\u' + (c.charCodeAt(0) + 65536).toString(16).slice(1)) + '"';

/** JSON text of a value made of plain objects, arrays, strings, finite numbers, booleans and null. */
export function stringify(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return str(v);
    case 'number':
      return isFinite(v) ? '' + v : 'null';
    case 'boolean':
      return '' + v;
    case 'object': {
      if (!v) return 'null';
      if (v instanceof Date) return isFinite(+v) ? str(v.toISOString()) : 'null';
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) {
          const item = stringify(v[i]);
          out += (i ? ',' : '') + (item === undefined ? 'null' : item);
        }
        return out + ']';
      }
      let out = '';
      for (const k of Object.keys(v)) {
        const item = stringify((v as { [k: string]: unknown })[k]);
        if (item !== undefined) out += (out ? ',' : '') + str(k) + ':' + item;
      }
      return '{' + out + '}';
    }
  }
  // undefined, functions and symbols are left out, as JSON.stringify leaves them out of objects.
  return undefined as unknown as string;
}
