// A throwaway PostgreSQL cluster for the tests, the fault run and the bench: initdb in a temp folder,
// a free port on 127.0.0.1, its unix socket in that folder, trust auth, stopped and removed at the end.
// It uses Debian's `postgresql` package (.ci/run installs it); a machine without it gets a clear error.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgCluster {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  dir: string;
  /** A fresh, empty database on this cluster, and its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server at once (as a crash would: no checkpoint, clients cut off) and starts it again. */
  restart(): void;
  stop(): void;
}

/** Where Debian puts the server of the version .ci/run installs. */
const DEBIAN_BINDIR = '/usr/lib/postgresql/15/bin';
/** The cluster's superuser, and the system user that runs it when the tests run as root. */
const SUPERUSER = 'postgres';

function bindir(): string {
  const tried: string[] = [];
  const candidates = [process.env.PG_BINDIR];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // No pg_config on the PATH: try Debian's place.
  }
  candidates.push(DEBIAN_BINDIR);
  for (const d of candidates) {
    if (!d) continue;
    if (existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl'))) return d;
    tried.push(d);
  }
  throw new Error(
    'PostgreSQL server binaries (initdb, pg_ctl) not found in ' + tried.join(', ') + ". Install Debian's postgresql package (.ci/run does: apt-get install postgresql) or set PG_BINDIR.",
  );
}

/** initdb refuses to run as root: as root, the cluster belongs to the `postgres` system user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (!process.getuid || process.getuid() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(SUPERUSER + ':'));
  if (!line) throw new Error("running as root, and there is no '" + SUPERUSER + "' user to run PostgreSQL as (Debian's postgresql package creates it)");
  const [, , uid, gid] = line.split(':');
  return { uid: +uid, gid: +gid };
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

export async function startCluster(): Promise<PgCluster> {
  const bin = bindir();
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'shoptrack-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(join(bin, cmd), args, { cwd: dir, encoding: 'utf8', ...user });
    if (r.status !== 0) throw new Error(cmd + ' ' + args.join(' ') + ' failed (' + (r.error || 'exit ' + r.status) + '):\n' + r.stdout + r.stderr);
  };
  const port = await freePort();
  // fsync off: the tests restart the server, never the machine, so the OS keeps what was written.
  const options = ['-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'].join(' ');
  const start = () => run('pg_ctl', ['start', '-w', '-t', '60', '-D', data, '-l', join(dir, 'server.log'), '-o', options]);
  let running = false;
  try {
    run('initdb', ['-D', data, '-U', SUPERUSER, '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    start();
    running = true;
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const url = 'postgres://' + SUPERUSER + '@127.0.0.1:' + port + '/postgres';
  const stop = () => {
    if (running) run('pg_ctl', ['stop', '-w', '-m', 'fast', '-D', data]);
    running = false;
    rmSync(dir, { recursive: true, force: true });
  };
  // A test run that ends without its teardown (an error, Ctrl-C) still leaves no server behind.
  process.once('exit', () => {
    if (running) spawnSync(join(bin, 'pg_ctl'), ['stop', '-m', 'immediate', '-D', data], user || {});
  });
  return {
    url,
    port,
    dir,
    createDatabase: () => createDatabase(url),
    restart() {
      run('pg_ctl', ['stop', '-w', '-m', 'immediate', '-D', data]);
      start();
    },
    stop,
  };
}

let made = 0;
/** A fresh, empty database on the cluster at `url` (each test file gets its own), and its URL. */
export async function createDatabase(url: string): Promise<string> {
  const name = 'shoptrack_' + process.pid + '_' + ++made + '_' + Math.random().toString(36).slice(2, 8);
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('CREATE DATABASE ' + name);
  } finally {
    await c.end();
  }
  return url.replace(/\/postgres$/, '/' + name);
}
