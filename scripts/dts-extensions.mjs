// Gives the relative imports of dist/types/**/*.d.ts their file extension ("./handler" -> "./handler.js",
// "./relay" -> "./relay/index.js"). The source is written for bundler resolution, without extensions;
// a shop's TypeScript on Node ("moduleResolution": "nodenext") resolves only specifiers with one, and
// would otherwise see every type of `shoptrack/relay` as `any`.
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = 'dist/types';
/** import/export ... from '<relative>' and import('<relative>') in a declaration file. */
const SPECIFIER = /(\bfrom\s+|\bimport\s*\(\s*)(['"])(\.{1,2}\/[^'"]*)\2/g;

function withExtension(file, spec) {
  if (/\.(js|mjs|cjs|json)$/.test(spec)) return spec;
  const target = resolve(dirname(file), spec);
  if (existsSync(target + '.d.ts')) return spec + '.js';
  if (existsSync(join(target, 'index.d.ts'))) return spec + '/index.js';
  throw new Error(file + ': cannot find the declaration of ' + spec);
}

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.d.ts')) {
      const text = readFileSync(path, 'utf8');
      const fixed = text.replace(SPECIFIER, (_all, head, quote, spec) => head + quote + withExtension(path, spec) + quote);
      if (fixed != text) writeFileSync(path, fixed);
    }
  }
}

walk(ROOT);
