// Guards for the script-tag build (esbuild.config.mjs): property names it shortens must not be the
// names of built-ins that the browser code reads.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));

describe('script-tag build', () => {
  it('never reads .next or .entries (shortened as internal names) in the browser code', () => {
    const browserCode = ['src/browser', 'src/events', 'src/vendors', 'src/widgets'].flatMap(files).concat('src/core.ts', 'src/full.ts');
    const uses = browserCode.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .map((line, i) => [f + ':' + (i + 1), line] as const)
        .filter(([, line]) => !/^\s*(\/\/|\*|\/\*)/.test(line) && /\.(next|entries)\b/.test(line.replace(/\.\.\.\w+/g, ''))),
    );
    expect(uses).toEqual([]);
  });
});
