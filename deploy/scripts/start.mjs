#!/usr/bin/env node
// `npm start`: runs Hearth locally. Checks that PostgreSQL and NATS are reachable, then starts every
// service under services/ (each declares `"hearth": { "port": N }` and a built `main` in its
// package.json) as a child process with prefixed logs, waits until each answers /readyz (services
// provision their own schemas and streams at start), and prints the URLs and a development token.
// SIGINT/SIGTERM stop them gracefully.
//
// Environment: DATABASE_URL, NATS_URL (machine defaults), JWT_SECRET (the token is signed with it, or
// with the documented development secret, exactly as `npm run token` does), START_READY_TIMEOUT_MS (60 s),
// START_TENANT (demo-chain: the tenant of the printed token and of `npm run seed`), START_SERVICES (a
// comma-separated subset of services/ to start; default all).
/* global fetch */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const env = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
  NATS_URL: 'nats://127.0.0.1:4222',
  ...process.env,
};
const READY_TIMEOUT_MS = Number(env.START_READY_TIMEOUT_MS ?? 60_000);
const TENANT = env.START_TENANT || 'demo-chain';
const ONLY = env.START_SERVICES ? new Set(env.START_SERVICES.split(',').map((s) => s.trim()).filter(Boolean)) : undefined;

function reachable(url, defaultPort) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname || '127.0.0.1', port: Number(port || defaultPort), timeout: 2000 });
    socket.once('connect', () => (socket.end(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

const checks = [
  ['PostgreSQL', env.DATABASE_URL, 5432, 'pg_ctlcluster --skip-systemctl-redirect 15 main start'],
  ['NATS', env.NATS_URL, 4222, 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log'],
];
let missing = 0;
for (const [name, url, port, hint] of checks) {
  const ok = await reachable(url, port);
  console.log(`${ok ? 'ok     ' : 'MISSING'} ${name} at ${url.replace(/\/\/[^@]*@/, '//***@')}`);
  if (!ok) {
    missing++;
    console.error(`        start it with: ${hint}`);
  }
}
if (missing) process.exit(1);

const servicesDir = join(root, 'services');
const declared = (existsSync(servicesDir) ? readdirSync(servicesDir) : [])
  .map((dir) => ({ dir, pkgPath: join(servicesDir, dir, 'package.json') }))
  .filter(({ pkgPath }) => existsSync(pkgPath))
  .map(({ dir, pkgPath }) => ({ dir, pkg: JSON.parse(readFileSync(pkgPath, 'utf8')) }))
  .filter(({ pkg }) => pkg.hearth?.port && pkg.main)
  .filter(({ dir }) => !ONLY || ONLY.has(dir));
// A service declared but not built (no tsconfig reference yet, or a build error) is reported, not started.
const services = declared.filter(({ dir, pkg }) => {
  const built = existsSync(join(servicesDir, dir, pkg.main));
  if (!built) console.warn(`skipping ${dir}: ${join('services', dir, pkg.main)} does not exist (is it built by tsc -b?)`);
  return built;
});

if (services.length === 0) {
  console.log('Hearth platform libraries are built; no services exist yet (see README: "How to add a service").');
  process.exit(0);
}

let stopping = false;
const children = services.map(({ dir, pkg }) => {
  // a service's own Node flags (hearth.nodeArgs, e.g. its young-generation size) come before its entry point
  const child = spawn(process.execPath, [...(pkg.hearth.nodeArgs ?? []), join(servicesDir, dir, pkg.main)], {
    cwd: join(servicesDir, dir),
    env: { ...env, PORT: String(pkg.hearth.port), ...pkg.hearth.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${dir}] `;
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) console.log(prefix + line);
    });
  }
  child.on('exit', (code, signal) => {
    console.log(`${prefix}exited (${signal ?? code})`);
    if (!stopping) stop(1);
  });
  console.log(`starting ${dir} on port ${pkg.hearth.port}`);
  return child;
});

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  const deadline = setTimeout(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, 15_000);
  Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? null : new Promise((r) => c.once('exit', r))))).then(() => {
    clearTimeout(deadline);
    process.exit(code);
  });
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

/** Polls /readyz until it answers 200; resolves with the last answer (or error) when the deadline passes. */
async function waitReady(port, deadline) {
  let last = 'no answer';
  while (!stopping && Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return { ready: true };
      last = `${res.status} ${await res.text()}`;
    } catch (error) {
      last = error instanceof Error ? (error.cause?.code ?? error.message) : String(error);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { ready: false, last };
}

const started = Date.now();
const deadline = started + READY_TIMEOUT_MS;
const readiness = await Promise.all(services.map(async (s) => ({ ...s, ...(await waitReady(s.pkg.hearth.port, deadline)) })));
if (stopping) await new Promise(() => {}); // a child exited while starting: stop() ends the process
const notReady = readiness.filter((s) => !s.ready);
if (notReady.length > 0) {
  for (const s of notReady) console.error(`NOT READY ${s.dir} on port ${s.pkg.hearth.port} after ${READY_TIMEOUT_MS / 1000} s: ${s.last}`);
  console.error('Stopping Hearth (set START_READY_TIMEOUT_MS to wait longer).');
  stop(1);
  await new Promise(() => {});
}

// The same code as `npm run token` (libs/http): signed with JWT_SECRET or the development secret.
const { runTokenCli } = require(join(root, 'libs/http/dist/token-cli.js'));
const roles = 'admin,agent,manager,steward';
const token = await runTokenCli(['--tenant', TENANT, '--roles', roles, '--brands', '*', '--sub', 'dev-admin', '--ttl', '12h'], env);

const width = Math.max(...services.map((s) => s.dir.length));
console.log(`\nHearth is ready (${((Date.now() - started) / 1000).toFixed(1)} s):`);
for (const { dir, pkg } of services) {
  const base = `http://127.0.0.1:${pkg.hearth.port}`;
  console.log(`  ${dir.padEnd(width)}  ${base}   ${base}/openapi.json`);
}
console.log(`\nDevelopment token (tenant ${TENANT}, chain-wide, roles ${roles}, valid 12 h):\n  export TOKEN=${token}\n`);
const first = services[0];
console.log(`Try: curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:${first.pkg.hearth.port}/v1/brands`);
console.log(`Demo data: npm run seed (tenant ${TENANT}). Other tokens: npm run token -- --tenant ${TENANT} --roles agent --brands <brandId>`);
console.log('Ctrl-C stops every service.\n');
