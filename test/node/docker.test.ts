/**
 * Self-hosting files. There is no Docker engine here, so this checks what can
 * be checked without one: docker-compose.yml and .env.example agree with the
 * server's configuration schema, and the Dockerfile's CMD and HEALTHCHECK,
 * run from the repository root (the image's WORKDIR layout) with the image's
 * ENV, start a real server and probe it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, envSchema, loadConfig } from '../../signaling/config.js';
import { freePort } from './helpers/free-port.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const readRepoFile = (name: string): string => readFileSync(join(root, name), 'utf8');

/** Variables docker-compose.yml reads for coturn alone; the server never sees them. */
const COMPOSE_ONLY_VARIABLES = [
  'TURN_EXTERNAL_IP',
  'TURN_REALM',
  'TURN_MIN_PORT',
  'TURN_MAX_PORT',
  'TURN_USER_QUOTA',
  'TURN_TOTAL_QUOTA',
  'TURN_MAX_BPS',
  'POSTGRES_PASSWORD',
] as const;
const serverVariables = Object.keys(envSchema.shape);
const knownVariables = new Set<string>([...serverVariables, ...COMPOSE_ONLY_VARIABLES]);

// --- Dockerfile ---------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions grouped by build stage, with comments dropped and `\` continuations joined. */
function parseDockerfile(text: string): Instruction[][] {
  const joined = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n')
    .replace(/\\\r?\n/g, ' ');
  const stages: Instruction[][] = [];
  for (const line of joined.split('\n')) {
    const match = /^\s*(\S+)\s*(.*?)\s*$/.exec(line);
    if (!match?.[1]) continue;
    const instruction = { keyword: match[1].toUpperCase(), args: match[2] ?? '' };
    if (instruction.keyword === 'FROM') stages.push([]);
    // ARG before the first FROM belongs to no stage.
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

const execArray = z.array(z.string()).min(1);

function only(stage: Instruction[], keyword: string): Instruction {
  const found = stage.filter((instruction) => instruction.keyword === keyword);
  expect(found, `exactly one ${keyword} in the runtime stage`).toHaveLength(1);
  return found[0]!;
}

const dockerfileStages = parseDockerfile(readRepoFile('Dockerfile'));
const runtimeStage = dockerfileStages.at(-1) ?? [];

/** The runtime stage's ENV, as the container sees it. */
const imageEnv: Record<string, string> = Object.fromEntries(
  runtimeStage
    .filter((instruction) => instruction.keyword === 'ENV')
    .flatMap((instruction) => instruction.args.split(/\s+/))
    .map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
);

const imageCmd = (): string[] => execArray.parse(JSON.parse(only(runtimeStage, 'CMD').args));

const imageHealthcheck = (): string[] => {
  const match = /^(?:--[a-z-]+=\S+\s+)*CMD\s+(\[.*\])$/.exec(only(runtimeStage, 'HEALTHCHECK').args);
  expect(match, 'HEALTHCHECK uses the exec form: HEALTHCHECK [--option=value ...] CMD ["node", ...]').not.toBeNull();
  return execArray.parse(JSON.parse(match![1]!));
};

// --- docker-compose.yml and .env.example -------------------------------------

const dependsOn = z.union([
  z.array(z.string()),
  z.record(z.string(), z.unknown()).transform((deps) => Object.keys(deps)),
]);
const composeSchema = z.object({
  services: z.object({
    signaling: z.object({
      build: z.string(),
      env_file: z.union([z.string(), z.array(z.string())]),
      environment: z.record(z.string(), z.string()),
      ports: z.array(z.string()),
      volumes: z.array(z.string()),
      restart: z.string(),
      healthcheck: z.object({ test: execArray }),
      depends_on: dependsOn,
    }),
    coturn: z.object({
      image: z.string(),
      command: z.array(z.string()),
    }),
  }),
  volumes: z.record(z.string(), z.unknown()),
});

const composeText = readRepoFile('docker-compose.yml');
const compose = (): z.infer<typeof composeSchema> => composeSchema.parse(parseYaml(composeText));

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, inner]) => [key, ...stringsIn(inner)]);
  return [];
}

/** Names Compose interpolates (`${NAME}`, `${NAME:-default}`, `$NAME`); `$$` is a literal dollar. */
function interpolatedNames(text: string): string[] {
  const names = new Set<string>();
  for (const match of text
    .replaceAll('$$', '')
    .matchAll(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|([A-Za-z_][A-Za-z0-9_]*))/g)) {
    names.add((match[1] ?? match[2])!);
  }
  return [...names];
}

const envExampleText = readRepoFile('.env.example');
/** Set variables (`NAME=value`) in .env.example. */
const envExampleValues: Record<string, string> = Object.fromEntries(
  [...envExampleText.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((match) => [match[1]!, match[2]!.trim()]),
);
/** Every documented name: set ones and those shown commented out with their default (`# NAME=value`). */
const envExampleNames = [...envExampleText.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]!);

describe('docker-compose.yml', () => {
  it('parses and runs the signaling server (built here, with the audit volume and a healthcheck) next to coturn', () => {
    const { services, volumes } = compose();
    const { signaling, coturn } = services;
    expect(signaling.build).toBe('.');
    expect([signaling.env_file].flat()).toEqual(['.env']);
    expect(signaling.ports).toContain(`${imageEnv.PORT}:${imageEnv.PORT}`);
    expect(signaling.volumes).toContain(`cobrowse-data:${imageEnv.DATA_DIR}`);
    expect(Object.keys(volumes)).toContain('cobrowse-data');
    expect(signaling.restart).toBe('unless-stopped');
    expect(signaling.depends_on).toContain('coturn');
    // Environment overrides env_file, so .env cannot move the server off the mapped port or the volume.
    expect(signaling.environment).toMatchObject({
      HOST: imageEnv.HOST,
      PORT: imageEnv.PORT,
      DATA_DIR: imageEnv.DATA_DIR,
    });
    // One probe, not two that drift apart.
    expect(signaling.healthcheck.test).toEqual(['CMD', ...imageHealthcheck()]);
    expect(coturn.image).toMatch(/^coturn\/coturn(:|$)/);
  });

  it('configures coturn for the REST-API credentials the server signs, with private peers denied', () => {
    const { command } = compose().services.coturn;
    expect(command).toEqual(
      expect.arrayContaining(['-n', '--use-auth-secret', '--static-auth-secret=${TURN_SECRET}', '--no-cli']),
    );
    // Red team s11, F6: quotas, a bandwidth limit and no TCP relay (run in coturn-limits.test.ts).
    expect(command).toEqual(expect.arrayContaining(['--no-tcp-relay', '--no-multicast-peers']));
    for (const option of [
      '--realm=',
      '--min-port=',
      '--max-port=',
      '--external-ip=',
      '--user-quota=',
      '--total-quota=',
      '--max-bps=',
    ]) {
      expect(
        command.some((arg) => arg.startsWith(option)),
        option,
      ).toBe(true);
    }
    const denied = command.filter((arg) => arg.startsWith('--denied-peer-ip=')).map((arg) => arg.split('=')[1]);
    expect(denied).toEqual(
      expect.arrayContaining([
        '10.0.0.0-10.255.255.255',
        '127.0.0.0-127.255.255.255',
        '172.16.0.0-172.31.255.255',
        '192.168.0.0-192.168.255.255',
        '169.254.0.0-169.254.255.255',
      ]),
    );
    // The entrypoint re-splits its arguments with `eval`: a space would break an option apart.
    // (A `${NAME:?message}` message never reaches coturn: Compose stops with it instead.)
    const passedOn = command.map((arg) => arg.replace(/\$\{[A-Za-z0-9_]+:\?[^}]*\}/g, 'required'));
    expect(passedOn.filter((arg) => /\s/.test(arg))).toEqual([]);
  });
});

describe('docker-compose.yml, profile "scale"', () => {
  const scaleInstance = z.object({
    build: z.string(),
    profiles: z.array(z.string()),
    env_file: z.union([z.string(), z.array(z.string())]),
    environment: z.record(z.string(), z.string()),
    healthcheck: z.object({ test: execArray }),
    depends_on: z.record(z.string(), z.object({ condition: z.string() })),
    ports: z.never().optional(),
  });
  const scaleSchema = z.object({
    services: z.object({
      signaling: z.object({ profiles: z.never().optional() }),
      coturn: z.object({ profiles: z.never().optional() }),
      postgres: z.object({
        image: z.string(),
        profiles: z.array(z.string()),
        environment: z.record(z.string(), z.string()),
      }),
      redis: z.object({ image: z.string(), profiles: z.array(z.string()) }),
      'signaling-a': scaleInstance,
      'signaling-b': scaleInstance,
      lb: z.object({
        image: z.string(),
        profiles: z.array(z.string()),
        ports: z.array(z.string()),
        volumes: z.array(z.string()),
      }),
    }),
  });
  const scale = () => scaleSchema.parse(parseYaml(composeText));
  /** Compose's `${NAME}` / `${NAME:?message}` resolved from sample values. */
  const resolveCompose = (value: string, values: Record<string, string>) =>
    value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}/g, (_match, name: string) => values[name] ?? '');

  it('keeps the one-instance default and adds PostgreSQL, Redis, two instances and a load balancer under "scale"', () => {
    const { services } = scale();
    for (const name of ['postgres', 'redis', 'signaling-a', 'signaling-b', 'lb'] as const)
      expect(services[name].profiles).toEqual(['scale']);
    expect(services.postgres.image).toMatch(/^postgres:/);
    expect(services.redis.image).toMatch(/^redis:/);
    expect(services.lb.ports).toEqual([`${imageEnv.PORT}:${imageEnv.PORT}`]);
    expect(services.lb.volumes).toContain('./deploy/Caddyfile:/etc/caddy/Caddyfile:ro');
    for (const name of ['signaling-a', 'signaling-b'] as const) {
      const instance = services[name];
      expect(instance.build).toBe('.');
      expect(instance.depends_on).toMatchObject({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
      expect(instance.healthcheck.test).toEqual(['CMD', ...imageHealthcheck()]);
      expect(instance.environment).toMatchObject({
        HOST: imageEnv.HOST,
        PORT: imageEnv.PORT,
        DATA_DIR: imageEnv.DATA_DIR,
        REDIS_URL: 'redis://redis:6379',
        TRUST_PROXY: '1',
      });
      // Both instances must chain the audit under one key: compose stops when it is missing.
      expect(instance.environment['AUDIT_KEY']).toMatch(/^\$\{AUDIT_KEY:\?/);
      // And accept each other's agent cookies.
      expect(instance.environment['AGENT_AUTH_SECRET']).toMatch(/^\$\{AGENT_AUTH_SECRET:\?/);
    }
  });

  it("the instances' environment loads as a scale-out configuration (PostgreSQL, Redis, one trusted hop)", () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cobrowse-scale-env-'));
    try {
      const samples = { POSTGRES_PASSWORD: 'pw', AUDIT_KEY: 'k'.repeat(64), AGENT_AUTH_SECRET: 's'.repeat(64) };
      const environment = Object.fromEntries(
        Object.entries(scale().services['signaling-a'].environment).map(([name, value]) => [
          name,
          resolveCompose(value, samples),
        ]),
      );
      const config = loadConfig({ ...environment, API_KEY: 'a'.repeat(64), DATA_DIR: dataDir });
      expect(config.databaseUrl).toBe('postgres://cobrowse:pw@postgres:5432/cobrowse');
      expect(config.redisUrl).toBe('redis://redis:6379');
      expect(config.trustProxy).toBe(1);
      expect(config.auditKey).toBe('k'.repeat(64));
      expect(config.demo).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('deploy/Caddyfile balances over exactly the two instances, without sticky sessions, health-checked on /healthz', () => {
    const caddyfile = readRepoFile('deploy/Caddyfile')
      .split('\n')
      .filter((line) => !line.trim().startsWith('#'))
      .join('\n');
    const upstreams = /reverse_proxy\s+([^{\n]+)\{/.exec(caddyfile)?.[1]?.trim().split(/\s+/);
    expect(upstreams).toEqual([`signaling-a:${imageEnv.PORT}`, `signaling-b:${imageEnv.PORT}`]);
    expect(caddyfile).toMatch(new RegExp(`^:${imageEnv.PORT} \\{`, 'm'));
    expect(caddyfile).toMatch(/health_uri \/healthz/);
    expect(caddyfile).not.toMatch(/lb_policy\s+(cookie|ip_hash|client_ip_hash|header|uri_hash)/);
  });
});

describe('configuration names', () => {
  it('compose interpolates only variables the server reads or the documented compose-only ones, all in .env.example', () => {
    const names = interpolatedNames(stringsIn(parseYaml(composeText)).join('\n'));
    expect(names).toContain('TURN_SECRET');
    expect(names.filter((name) => !knownVariables.has(name))).toEqual([]);
    expect(names.filter((name) => !envExampleNames.includes(name))).toEqual([]);
    // The compose-only list stays honest: each one is really used.
    expect(COMPOSE_ONLY_VARIABLES.filter((name) => !names.includes(name))).toEqual([]);
  });

  it('.env.example names only known variables and documents every variable the server reads', () => {
    expect(envExampleNames.filter((name) => !knownVariables.has(name))).toEqual([]);
    const undocumented = serverVariables.filter((name) => !envExampleNames.includes(name));
    expect(undocumented, 'add these to .env.example (as `# NAME=default` if optional)').toEqual([]);
  });

  it('.env.example is refused until its placeholder secrets are replaced, then loads', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cobrowse-env-example-'));
    try {
      const asCopied = { ...envExampleValues, DATA_DIR: dataDir };
      expect(() => loadConfig(asCopied)).toThrow(ConfigError);
      expect(() => loadConfig(asCopied)).toThrow(/API_KEY[\s\S]*TURN_SECRET|TURN_SECRET[\s\S]*API_KEY/);
      const config = loadConfig({ ...asCopied, API_KEY: 'a'.repeat(64), TURN_SECRET: 'b'.repeat(64) });
      expect(config.turn.secret).toBe('b'.repeat(64));
      expect(config.turn.urls.length).toBeGreaterThan(0);
      expect(config.turn.urls.every((url) => url.startsWith('turn:') || url.startsWith('turns:'))).toBe(true);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

// --- The image's start command and health probe, outside Docker --------------

/** Run an exec-form command as the image would, with `node` meaning the Node running these tests. */
function spawnExecForm(command: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const [program, ...args] = command;
  expect(program).toBe('node');
  return spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return { code, signal };
}

async function waitForHealthy(baseUrl: string, server: ChildProcess, output: () => string): Promise<void> {
  // A generous ceiling on a shared machine; it only bounds a hang, it measures nothing.
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}:\n${output()}`);
    const healthy = await fetch(`${baseUrl}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server never became healthy:\n${output()}`);
}

describe('Dockerfile', () => {
  it('builds in one stage and runs as the non-root node user in a separate one, with the container ENV', () => {
    expect(dockerfileStages.length).toBeGreaterThanOrEqual(2);
    const nodeVersion = /^ARG NODE_VERSION=(\S+)$/m.exec(readRepoFile('Dockerfile'))?.[1] ?? '';
    for (const stage of dockerfileStages) {
      expect(stage[0]?.args.replaceAll('${NODE_VERSION}', nodeVersion)).toMatch(
        /^node:24(\.\d+)*-bookworm-slim AS \w+$/,
      );
    }
    const buildStage = dockerfileStages[0] ?? [];
    const buildSteps = buildStage
      .filter((instruction) => instruction.keyword === 'RUN')
      .map((instruction) => instruction.args)
      .join('\n');
    expect(buildSteps).toMatch(/python3/);
    expect(buildSteps).toMatch(/npm ci\b/);
    expect(buildSteps).toMatch(/npm run build/);
    expect(buildSteps).toMatch(/npm prune --omit=dev/);
    const user = only(runtimeStage, 'USER').args;
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(user).toBe('node');
    expect(imageEnv).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0', PORT: '8080', DATA_DIR: '/data' });
    expect(only(runtimeStage, 'EXPOSE').args).toBe(imageEnv.PORT);
    expect(only(runtimeStage, 'VOLUME').args).toContain(imageEnv.DATA_DIR);
    expect(imageCmd()).toEqual(['node', 'dist/node/signaling/server.js']);
  });

  describe("the image's CMD and HEALTHCHECK against a clean build", () => {
    const serverEntry = join(root, 'dist', 'node', 'signaling', 'server.js');
    let dataDir = '';

    beforeAll(() => {
      if (!existsSync(serverEntry))
        execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
      dataDir = mkdtempSync(join(tmpdir(), 'cobrowse-image-data-'));
    }, 300_000);
    afterAll(() => {
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('starts, answers the healthcheck, fails it when down, and stops cleanly on SIGTERM', async () => {
      const port = await freePort();
      // Only PATH from outside, as in a container; HOST is loopback so the test opens nothing to the network.
      const env = {
        PATH: process.env.PATH ?? '',
        ...imageEnv,
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: dataDir,
      };
      const server = spawnExecForm(imageCmd(), env);
      let output = '';
      server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      try {
        await waitForHealthy(`http://127.0.0.1:${port}`, server, () => output);

        const probe = await exitOf(spawnExecForm(imageHealthcheck(), env));
        expect(probe).toEqual({ code: 0, signal: null });

        // The volume is where state lands: the audit database and the generated API key.
        expect(readdirSync(dataDir)).toEqual(expect.arrayContaining(['cobrowse.db', 'api-key']));

        const closedPort = await freePort();
        const failedProbe = await exitOf(spawnExecForm(imageHealthcheck(), { ...env, PORT: String(closedPort) }));
        expect(failedProbe.code).not.toBe(0);

        server.kill('SIGTERM');
        expect(await exitOf(server)).toEqual({ code: 0, signal: null });
      } finally {
        if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
      }
    }, 60_000);
  });
});
