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
    case 'boolean':
      // isFinite(true) is true: booleans print as themselves.
      return isFinite(v as number) ? '' + v : 'null';
    case 'object': {
      if (!v) return 'null';
      if (v instanceof Date) return isFinite(+v) ? str(v.toISOString()) : 'null';
      // Array.from visits holes too, which JSON writes as null.
      if (Array.isArray(v)) return '[' + Array.from(v, (item) => stringify(item) ?? 'null').join() + ']';
      const o = v as { [k: string]: unknown };
      const items = Object.keys(o).map((k) => {
        const item = stringify(o[k]);
        return item === undefined ? '' : str(k) + ':' + item;
      });
      return '{' + items.filter((i) => i).join() + '}';
    }
  }
  // undefined, functions and symbols are left out, as JSON.stringify leaves them out of objects.
  return undefined as unknown as string;
}
