/**
 * Finds the `temporal` CLI (which embeds the dev server and Web UI), installing it when missing.
 * Order: $TEMPORAL_CLI_PATH, `temporal` on PATH, the per-user cache, else
 * `go install github.com/temporalio/cli/cmd/temporal@v1.5.1` into that cache.
 *
 * v1.5.1 is the newest CLI tag whose go.mod has no `replace` directive, which `go install pkg@version`
 * requires. The cache lives outside the clone so fresh clones and CI runs reuse one ~5-minute build.
 * We never use the SDK's `cached-download`: it fetches from temporal.download, unreachable offline.
 *
 * Run directly (`npm run setup`) it prints the path of the binary.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';

export function temporalCliCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'meta-ads-agent', 'temporal-cli', TEMPORAL_CLI_VERSION);
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v temporal'], { encoding: 'utf8' });
  const found = r.stdout.trim();
  return r.status === 0 && found ? found : undefined;
}

export function resolveTemporalCli(opts: { install?: boolean; log?: (msg: string) => void } = {}): string {
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} is not an executable file`);
  }
  const found = onPath();
  if (found) return found;
  const cached = path.join(temporalCliCacheDir(), 'temporal');
  if (isExecutable(cached)) return cached;
  if (opts.install === false) throw new Error(installHelp(cached));

  log(`Temporal CLI not found; building ${TEMPORAL_CLI_VERSION} with go install into ${path.dirname(cached)} (a few minutes, once)...`);
  mkdirSync(path.dirname(cached), { recursive: true });
  try {
    execFileSync(
      'go',
      [
        'install',
        '-ldflags',
        `-X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION.slice(1)}`,
        `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, GOBIN: path.dirname(cached), CGO_ENABLED: '0' } },
    );
  } catch (err) {
    throw new Error(`${installHelp(cached)}\n(go install failed: ${(err as Error).message})`);
  }
  if (!isExecutable(cached)) throw new Error(installHelp(cached));
  return cached;
}

function installHelp(cached: string): string {
  return [
    'The Temporal CLI is required and could not be found or installed.',
    'Install it one of these ways, then retry:',
    `  - go install github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}   (Go >= 1.25; put it on PATH)`,
    `  - GOBIN=${path.dirname(cached)} go install github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`,
    '  - or download a release from https://github.com/temporalio/cli/releases and set TEMPORAL_CLI_PATH',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  try {
    process.stdout.write(`${resolveTemporalCli()}\n`);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}
