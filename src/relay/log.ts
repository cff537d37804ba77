// The relay's log: one JSON line per entry, with every configured secret scrubbed from it, whatever
// a vendor's error message or a stack trace happens to echo.

export type Level = 'info' | 'warn' | 'error';
export type Log = (level: Level, msg: string, fields?: { [k: string]: unknown }) => void;

/** Secrets shorter than this are not scrubbed (they would mangle ordinary words); config refuses them. */
export const MIN_SECRET_LENGTH = 8;

export function createLog(secrets: (string | undefined)[], write: (line: string) => void = (l) => process.stderr.write(l + '\n')): Log {
  const hidden = secrets.filter((s): s is string => !!s && s.length >= MIN_SECRET_LENGTH);
  return (level, msg, fields) => {
    let line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields });
    for (const s of hidden) line = line.split(s).join('[secret]');
    write(line);
  };
}
