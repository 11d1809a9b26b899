#!/usr/bin/env node
// `npm start`: runs Hearth locally. Checks that PostgreSQL and NATS are reachable, then starts every
// service under services/ (each declares `"hearth": { "port": N }` and a built `main` in its
// package.json) as a child process with prefixed logs; SIGINT/SIGTERM stop them gracefully.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const env = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
  NATS_URL: 'nats://127.0.0.1:4222',
  ...process.env,
};

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
const services = (existsSync(servicesDir) ? readdirSync(servicesDir) : [])
  .map((dir) => ({ dir, pkgPath: join(servicesDir, dir, 'package.json') }))
  .filter(({ pkgPath }) => existsSync(pkgPath))
  .map(({ dir, pkgPath }) => ({ dir, pkg: JSON.parse(readFileSync(pkgPath, 'utf8')) }))
  .filter(({ pkg }) => pkg.hearth?.port && pkg.main);

if (services.length === 0) {
  console.log('Hearth platform libraries are built; no services exist yet (see README: "How to add a service").');
  process.exit(0);
}

const children = services.map(({ dir, pkg }) => {
  const child = spawn(process.execPath, [join(servicesDir, dir, pkg.main)], {
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

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  const deadline = setTimeout(() => {
    for (const child of children) child.kill('SIGKILL');
  }, 15_000);
  Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r))))).then(() => {
    clearTimeout(deadline);
    process.exit(code);
  });
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
