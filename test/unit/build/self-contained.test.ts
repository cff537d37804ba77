// A clone with nothing beside it must run its tests and the demo (issue 9, item 1): no code reads the
// project's shared folder next to the repository, and every fixture it reads instead is in test/fixtures,
// named in that folder's README with where its shape comes from. `.ci/run` runs the whole suite from
// such a copy; this test names the file and line at once.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../..');
/** Where code that runs lives: sources, tests, the demo, scripts, benches, CI and the root's configs. */
const CODE_DIRS = ['src', 'test', 'demo', 'scripts', 'bench', '.ci'];
const CODE = /\.(ts|mts|js|mjs|cjs|json|sh)$|^run$/;
/** A path out of the repository into the shared folder beside it, however it is spelled. */
const OUTSIDE = /\.\.\/+shared\/|\/work\/shared|['"]shared\/(fixtures|seeds|notes)/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name == 'node_modules' || name == 'dist') return [];
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

it('reads nothing from beside the repository', () => {
  const code = [...CODE_DIRS.flatMap((d) => files(join(ROOT, d))), ...readdirSync(ROOT).filter((f) => /\.(ts|mjs|js|json)$/.test(f)).map((f) => join(ROOT, f))];
  const found: string[] = [];
  for (const f of code.filter((p) => CODE.test(p.split('/').pop()!))) {
    readFileSync(f, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (OUTSIDE.test(line)) found.push(relative(ROOT, f) + ':' + (i + 1) + ': ' + line.trim());
      });
  }
  expect(code.length).toBeGreaterThan(50);
  expect(found).toEqual([]);
});

it('names every fixture in test/fixtures/README.md', () => {
  const dir = join(ROOT, 'test/fixtures');
  const readme = readFileSync(join(dir, 'README.md'), 'utf8');
  const listed = files(dir).map((f) => relative(dir, f)).filter((f) => f != 'README.md');
  expect(listed.length).toBeGreaterThanOrEqual(10);
  for (const f of listed) expect(readme, f).toContain('`' + f + '`');
});
