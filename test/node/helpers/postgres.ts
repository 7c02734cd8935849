/**
 * A throwaway PostgreSQL server for tests: initdb into a temp dir, pg_ctl
 * start on a free port (TCP on 127.0.0.1 and a socket in the temp dir), trust
 * auth, fsync off, stopped and removed afterwards. PostgreSQL refuses to run
 * as root: when the tests are root, the server runs as the `postgres` user
 * (or `nobody`) through runuser, and the temp dir is handed to that user.
 * Binaries come from PG_BIN, /usr/lib/postgresql/<version>/bin or PATH.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.js';

const run = promisify(execFile);

export interface PostgresServer {
  port: number;
  /** A connection string for a fresh, empty database. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

/** Where initdb and pg_ctl are, or null (the caller skips loudly). */
export function findPostgresBin(): string | null {
  const candidates = [process.env.PG_BIN ?? ''];
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    for (const version of readdirSync(root).sort((a, b) => Number(b) - Number(a)))
      candidates.push(join(root, version, 'bin'));
  }
  for (const dir of (process.env.PATH ?? '').split(':')) candidates.push(dir);
  return candidates.find((dir) => dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) ?? null;
}

export const POSTGRES_MISSING =
  'PostgreSQL is not installed (no initdb/pg_ctl in PG_BIN, /usr/lib/postgresql/*/bin or PATH): SKIPPING the PostgreSQL tests. ' +
  '`bash .ci/run` installs it (apt-get install postgresql).';

/** The unprivileged user to run postgres as when we are root, or null when we are not root. */
function runAsUser(): { name: string; uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      return { name, uid, gid };
    } catch {
      // No such user; try the next.
    }
  }
  throw new Error('running as root and neither a "postgres" nor a "nobody" user exists to run PostgreSQL as');
}

export async function startPostgres(bin: string): Promise<PostgresServer> {
  const user = runAsUser();
  const dir = mkdtempSync(join(tmpdir(), 'cobrowse-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const dataDir = join(dir, 'data');
  const exec = (program: string, args: string[]) =>
    user ? run('runuser', ['-u', user.name, '--', join(bin, program), ...args]) : run(join(bin, program), args);
  await exec('initdb', [
    '-D',
    dataDir,
    '-U',
    'cobrowse',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
    '--no-instructions',
  ]);
  // Test files run in parallel: another may take the free port first, so a failed start tries another.
  let port = 0;
  for (let attempt = 1; ; attempt += 1) {
    port = await freePort();
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    try {
      await exec('pg_ctl', ['-D', dataDir, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
  let databases = 0;
  return {
    port,
    async createDatabase() {
      databases += 1;
      const name = `cobrowse_${databases}`;
      const admin = new pg.Client({ host: '127.0.0.1', port, user: 'cobrowse', database: 'postgres' });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return `postgres://cobrowse@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      try {
        await exec('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } finally {
        // Asynchronous: removing some 60 databases' files took 60 s under load (pg_ctl's stop 0.3 s), and a
        // synchronous rm held the event loop (and the hook's own timeout) all that time.
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
