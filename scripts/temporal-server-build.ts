/**
 * The full Temporal server and its SQL schema tool, built from the Go module proxy and cached
 * outside the clone (like the CLI), with the PostgreSQL schema files copied beside them:
 *   GOTOOLCHAIN=go1.27.3 go install go.temporal.io/server/cmd/server@v1.32.2 .../cmd/tools/sql@v1.32.2
 * About 4–7 minutes on 2 cores, once per machine; fresh clones and CI runs reuse the cache.
 * Run directly it prints the cache folder.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, cpSync, existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEMPORAL_SERVER_VERSION = 'v1.32.2';
const GO_TOOLCHAIN = 'go1.27.3';
const MODULE = 'go.temporal.io/server';

export interface ServerBinaries {
  server: string;
  sqlTool: string;
  /** schema/postgresql/v12 of the server module: temporal/versioned and visibility/versioned. */
  postgresSchema: string;
}

export function temporalServerCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'meta-ads-agent', 'temporal-server', TEMPORAL_SERVER_VERSION);
}

const isExecutable = (p: string) => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export function resolveServerBinaries(log: (m: string) => void = (m) => process.stderr.write(`${m}\n`)): ServerBinaries {
  const dir = temporalServerCacheDir();
  const found: ServerBinaries = {
    server: path.join(dir, 'server'),
    sqlTool: path.join(dir, 'sql'),
    postgresSchema: path.join(dir, 'schema', 'postgresql', 'v12'),
  };
  if (isExecutable(found.server) && isExecutable(found.sqlTool) && existsSync(path.join(found.postgresSchema, 'temporal', 'versioned'))) return found;

  mkdirSync(dir, { recursive: true });
  const env = { ...process.env, GOBIN: dir, GOTOOLCHAIN: GO_TOOLCHAIN, CGO_ENABLED: '0' };
  if (!isExecutable(found.server) || !isExecutable(found.sqlTool)) {
    log(`Building the Temporal server ${TEMPORAL_SERVER_VERSION} and its SQL tool with go install into ${dir} (4–7 minutes, once)...`);
    execFileSync('go', ['install', `${MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION}`, `${MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env,
    });
  }
  // go install leaves the module's source (with its schema files) in the module cache.
  const modCache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8', env }).trim();
  const source = path.join(modCache, `${MODULE}@${TEMPORAL_SERVER_VERSION}`, 'schema', 'postgresql', 'v12');
  if (!existsSync(source)) execFileSync('go', ['mod', 'download', `${MODULE}@${TEMPORAL_SERVER_VERSION}`], { stdio: 'inherit', env, cwd: dir });
  cpSync(source, found.postgresSchema, { recursive: true });
  return found;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  resolveServerBinaries();
  console.log(temporalServerCacheDir());
}
