// `npx shoptrack-relay [--config relay.json]`: the relay with its config from the file and the
// environment (README, "Relay"). SIGTERM and SIGINT stop it cleanly: nothing in flight is lost.
// `npx shoptrack-relay migrate --from <sqlite file> --to <postgres url>` moves its queue to PostgreSQL.
import { loadRelayConfig } from './config';
import { IMPORT_USAGE, runImport } from './import-cli';
import { migrateArgs, migrateSqliteToPg } from './migrate';
import { startRelay } from './server';

async function migrate(args: string[]) {
  const a = migrateArgs(args);
  if ('error' in a) throw new Error(a.error + '\nusage: shoptrack-relay migrate --from <sqlite file> --to <postgres url>');
  const r = await migrateSqliteToPg(a.from, a.to, (line) => process.stderr.write(line + '\n'));
  process.stdout.write(JSON.stringify({ migrated: r.copied }) + '\n');
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] == 'migrate') return migrate(args.slice(1));
  const i = args.indexOf('--config');
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write('usage: shoptrack-relay [--config relay.json]\n       shoptrack-relay migrate --from <sqlite file> --to <postgres url>\nConfig by SHOPTRACK_RELAY_* environment variables or a JSON file; see README, "Relay".\n' + IMPORT_USAGE);
    return;
  }
  const config = loadRelayConfig(process.env, i >= 0 ? args[i + 1] : undefined);
  if (args[0] == 'import') {
    process.exitCode = await runImport(config, args.slice(1));
    return;
  }
  const running = await startRelay(config);
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'listening', url: running.url + (config.basePath || '/') }) + '\n');
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    running.close().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(String(err) + '\n');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write((err instanceof Error ? err.message : String(err)) + '\n');
  process.exit(1);
});
