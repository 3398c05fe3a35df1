/**
 * docker-compose.yml and the Dockerfile, held against the code they run (no Docker needed): the
 * services of the production topology, one worker service per worker group running that group's
 * script, only environment names config/env.ts reads, secrets only passed through, exactly the
 * search attributes the workflows upsert, the dynamic config file the server is pointed at, and
 * agent state on the volume of the services that hold it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV_KEYS } from '../config/env';
import { SEARCH_ATTRIBUTE_CLI_TYPES } from '../temporal-config/search-attributes';
import { GROUPS } from '../workers/create-workers';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null>;
  volumes?: string[];
  ports?: string[];
  container_name?: string;
  profiles?: string[];
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

// merge: the services share their settings through `<<: *anchor`, as compose resolves them.
const compose = parse(read('docker-compose.yml'), { merge: true }) as Compose;
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

const service = (name: string): Service => {
  const s = compose.services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
};
const commandOf = (s: Service) => (Array.isArray(s.command) ? s.command.join(' ') : (s.command ?? ''));
const envOf = (s: Service) => s.environment ?? {};
/** `source:target[:mode]` of a short-syntax volume. */
const mounts = (s: Service) =>
  (s.volumes ?? []).map((v) => {
    const [source = '', target = ''] = v.split(':');
    return { source, target };
  });
const isNamedVolume = (source: string) => !source.startsWith('.') && !source.startsWith('/');

const WORKERS = GROUPS.map((g) => `${g}-worker`);
const ACTIVITY_WORKERS = GROUPS.filter((g) => g !== 'orchestrator').map((g) => `${g}-worker`);
/** The services built from this repository: the agent's own processes. */
const AGENT_SERVICES = [...WORKERS, 'api', 'codec', 'simulators'];
const INFRA_SERVICES = ['postgresql', 'temporal-schema', 'temporal', 'temporal-namespace', 'temporal-ui'];
const SECRETS = [
  'FB_ACCESS_TOKEN',
  'KIE_API_KEY',
  'API_TOKEN',
  'KIE_WEBHOOK_HMAC_KEY',
  'CALLBACK_TOKEN_SECRET',
  'PAYLOAD_ENCRYPTION_KEYS',
  'PAYLOAD_ENCRYPTION_KEY_ID',
];

describe('docker-compose.yml', () => {
  it('has every service of the production topology, and the agent services are built from the repo', () => {
    expect(Object.keys(compose.services).sort()).toEqual([...INFRA_SERVICES, ...AGENT_SERVICES].sort());
    for (const name of AGENT_SERVICES) expect(service(name).build, name).toBe('.');
  });

  it('pins every image it pulls or tags (no latest, no untagged)', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (!s.image) {
        expect(s.build, `${name} has neither image nor build`).toBeDefined();
        continue;
      }
      const tag = /:([^/:]+)$/.exec(s.image)?.[1];
      expect(tag, `${name}: ${s.image} has no tag`).toBeDefined();
      expect(tag, `${name}: ${s.image}`).not.toBe('latest');
    }
  });

  it('runs one worker service per worker group, each with its own package.json script', () => {
    expect(Object.keys(compose.services).filter((n) => n.endsWith('-worker'))).toEqual(WORKERS);
    for (const g of GROUPS) {
      expect(commandOf(service(`${g}-worker`))).toBe(`npm run worker:${g}`);
      expect(scripts[`worker:${g}`], `package.json script worker:${g}`).toBeDefined();
    }
  });

  it('runs the api, codec and simulators through existing package.json scripts, the simulators only on their profile', () => {
    expect(commandOf(service('api'))).toBe('npm run serve');
    expect(commandOf(service('codec'))).toBe('npm run codec');
    expect(commandOf(service('simulators'))).toBe('npm run simulators');
    for (const name of ['api', 'codec', 'simulators']) {
      const script = /^npm run (\S+)$/.exec(commandOf(service(name)))?.[1] ?? '';
      expect(scripts[script], `${name}: package.json script ${script}`).toBeDefined();
    }
    expect(service('simulators').profiles).toEqual(['simulators']);
    for (const name of [...INFRA_SERVICES, ...WORKERS, 'api', 'codec']) expect(service(name).profiles, name).toBeUndefined();
  });

  it('gives the agent services only environment variables that config/env.ts reads', () => {
    for (const name of AGENT_SERVICES) {
      const unknown = Object.keys(envOf(service(name))).filter((k) => !(ENV_KEYS as readonly string[]).includes(k));
      expect(unknown, name).toEqual([]);
    }
  });

  it('connects the agent to the compose Temporal server, never an embedded one, with its state in /data', () => {
    for (const name of AGENT_SERVICES) {
      expect(envOf(service(name)), name).toMatchObject({ TEMPORAL_ADDRESS: 'temporal:7233', START_EMBEDDED_TEMPORAL: 'false', DATA_DIR: '/data' });
    }
  });

  it('passes secrets through from the environment and writes none', () => {
    for (const name of AGENT_SERVICES) {
      const env = envOf(service(name));
      for (const key of SECRETS) expect(env[key], `${name} ${key}`).toBe(`\${${key}:-}`);
    }
    // Anything that looks like a credential, in any service, is a ${...} reference.
    for (const [name, s] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries(envOf(s))) {
        if (/TOKEN|SECRET|PASSWORD|PWD|_KEY|KEYS/.test(key)) expect(String(value), `${name} ${key}`).toMatch(/^\$\{[A-Z_]+(:?-[^}]*)?\}$/);
      }
    }
  });

  it('registers exactly the search attributes of temporal-config/search-attributes.ts', () => {
    const command = commandOf(service('temporal-namespace'));
    const registered = [...command.matchAll(/--name\s+(\S+)\s+(?:\\\s+)?--type\s+(\S+)/g)].map((m) => [m[1], m[2]] as const);
    expect(Object.fromEntries(registered)).toEqual(SEARCH_ATTRIBUTE_CLI_TYPES);
    expect(registered).toHaveLength(Object.keys(SEARCH_ATTRIBUTE_CLI_TYPES).length);
  });

  it('starts the Temporal server with SQL visibility and a dynamic config file that exists in temporal-config/dynamicconfig', () => {
    const temporal = service('temporal');
    const env = envOf(temporal);
    expect(env).toMatchObject({ DB: 'postgres12', VISIBILITY_DBNAME: 'temporal_visibility' });
    const mount = mounts(temporal).find((m) => m.target === '/etc/temporal/config/dynamicconfig');
    expect(mount?.source).toBe('./temporal-config/dynamicconfig');
    const file = String(env.DYNAMIC_CONFIG_FILE_PATH);
    // The server resolves the path from /etc/temporal, so it must fall inside the mounted folder.
    expect(path.posix.dirname(path.posix.join('/etc/temporal', file))).toBe(mount?.target);
    expect(path.basename(file)).toBe('development-sql.yaml');
    expect(existsSync(path.join(ROOT, 'temporal-config/dynamicconfig', path.basename(file)))).toBe(true);
  });

  it('creates both Temporal databases before the server starts', () => {
    const command = commandOf(service('temporal-schema'));
    expect(service('temporal-schema').image).toMatch(/^temporalio\/admin-tools:/);
    for (const db of ['temporal', 'temporal_visibility']) expect(command).toMatch(new RegExp(`temporal-sql-tool --db ${db} update-schema`));
  });

  it('declares every named volume a service uses', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const { source } of mounts(s).filter((m) => isNamedVolume(m.source))) {
        expect(Object.keys(compose.volumes ?? {}), `${name} uses volume ${source}`).toContain(source);
      }
    }
    expect(mounts(service('postgresql'))).toContainEqual({ source: 'temporal-pg', target: '/var/lib/postgresql/data' });
  });

  it('mounts agent-data at DATA_DIR for every service holding local state, and nothing on the orchestrator', () => {
    for (const name of [...ACTIVITY_WORKERS, 'api']) {
      const s = service(name);
      expect(mounts(s), name).toContainEqual({ source: 'agent-data', target: String(envOf(s).DATA_DIR) });
    }
    expect(service('orchestrator-worker').volumes).toBeUndefined();
  });

  it('keeps the workers scalable: no container name, no host ports', () => {
    for (const name of WORKERS) {
      expect(service(name).container_name, name).toBeUndefined();
      expect(service(name).ports, name).toBeUndefined();
    }
    for (const [name, s] of Object.entries(compose.services)) expect(s.container_name, name).toBeUndefined();
  });

  it('points the Web UI at the codec service, whose CORS origins include the UI', () => {
    const ui = envOf(service('temporal-ui'));
    const codec = envOf(service('codec'));
    const endpoint = new URL(String(ui.TEMPORAL_CODEC_ENDPOINT));
    expect(endpoint.port).toBe('8888');
    expect(String(codec.CODEC_PORT)).toBe('8888');
    expect(service('codec').ports?.some((p) => p.endsWith(':8888:8888') || p === '8888:8888')).toBe(true);
    const uiHostPort = service('temporal-ui').ports?.[0]?.split(':')[0];
    expect(String(codec.CODEC_CORS_ORIGINS).split(',')).toContain(`http://localhost:${uiHostPort}`);
  });

  it('publishes the callback and API ports of the api service', () => {
    expect(service('api').ports).toEqual(['8790:8790', '8791:8791']);
  });
});

describe('Dockerfile', () => {
  it('builds on node:20 and installs with npm ci', () => {
    expect(existsSync(path.join(ROOT, 'Dockerfile'))).toBe(true);
    const dockerfile = read('Dockerfile');
    const bases = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) expect(base).toMatch(/^node:20[-.]/);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
  });
});
