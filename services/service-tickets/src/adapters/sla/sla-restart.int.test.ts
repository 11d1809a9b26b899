/**
 * The whole service as child processes (its real `src/index.ts`, run from the TypeScript sources as
 * Jest does) on a schema of its own: a timer armed by one process survives that process being killed,
 * and two processes started afterwards fire it into exactly one breach. customer-profile is the fake of
 * the test helpers, answering over NATS on subjects of this test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PostgresEventStore } from '@hearth/event-store';
import { connectMessaging, streamNameFor, type Messaging } from '@hearth/messaging';
import { dropSchema, eventually, testDatabaseUrl, uniqueName } from '@hearth/testing';
import { PostgresTimerStore } from '@hearth/timers';
import pg from 'pg';
import { slaTimerKey } from '../../app/sla-timers.port';
import type { TicketSettings } from '../../domain/settings.policy';
import { NATS_URL, serveFakeCustomerProfile } from '../testing/tickets-harness.test-helper';
import { bearer, chainDirectory, fakeCustomerProfile, TEST_SECRET, TEST_SETTINGS } from '../testing/tickets.test-helper';

jest.setTimeout(180_000);

const root = join(__dirname, '..', '..', '..', '..', '..');
const register = join(root, 'libs', 'messaging', 'src', '__fixtures__', 'swc-register.cjs');
const entry = join(root, 'services', 'service-tickets', 'src', 'index.ts');
const ONE_MINUTE: TicketSettings = { ...TEST_SETTINGS, slaPolicies: [{ policyId: 'one-minute', match: {}, firstResponseMinutes: 1, mode: 'calendar' }] };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

type Instance = { name: string; child: ChildProcess; url: string; output: string[]; exited: Promise<number | null> };

describe('SLA timers across restarts and instances (service child processes)', () => {
  const schema = uniqueName('st_restart');
  const durable = `service-tickets-test-${randomBytes(4).toString('hex')}`;
  const tenant = `t-${randomBytes(5).toString('hex')}`;
  let pool: pg.Pool;
  let events: PostgresEventStore;
  let timers: PostgresTimerStore;
  let messaging: Messaging;
  let served: ReturnType<typeof serveFakeCustomerProfile>;
  const instances: Instance[] = [];

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 4 });
    messaging = await connectMessaging({ servers: NATS_URL, name: `tickets-restart-${durable}` });
    const fake = fakeCustomerProfile();
    fake.setDirectory(chainDirectory(tenant));
    served = serveFakeCustomerProfile(messaging, fake);
  });

  afterAll(async () => {
    for (const instance of instances) if (instance.child.exitCode === null) instance.child.kill('SIGKILL');
    await Promise.all(instances.map((i) => i.exited));
    await served.stop();
    await messaging.manager.consumers.delete(streamNameFor('customer-profile'), durable).catch(() => undefined);
    await messaging.drain({ timeoutMs: 2_000 });
    await timers?.close();
    await events?.close();
    await dropSchema(pool, schema);
    await pool.end();
  });

  async function startInstance(name: string): Promise<Instance> {
    const port = await freePort();
    const output: string[] = [];
    const child = spawn(process.execPath, ['-r', register, entry], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: testDatabaseUrl(),
        DATABASE_SCHEMA: schema,
        DATABASE_POOL_SIZE: '4',
        NATS_URL,
        JWT_SECRET: TEST_SECRET,
        CUSTOMER_PROFILE_RPC_PREFIX: served.prefix,
        FORWARD_INTEGRATION_EVENTS: 'false',
        GUEST_EVENTS_DURABLE: durable,
        GUEST_EVENTS_DELIVER_POLICY: 'new',
        SLA_TIMER_POLL_INTERVAL: '500ms',
        TICKET_SETTINGS_CACHE: '0',
        OTEL_SDK_DISABLED: 'true',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const instance = { name, child, url: `http://127.0.0.1:${port}`, output, exited };
    instances.push(instance);
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited: ${output.join('')}`);
        const res = await fetch(`${instance.url}/readyz`);
        expect(res.status).toBe(200);
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    return instance;
  }

  const call = async (instance: Instance, method: string, path: string, body: unknown, roles: ('admin' | 'agent')[] = ['agent']) => {
    const res = await fetch(`${instance.url}${path}`, {
      method,
      headers: { ...(await bearer({ tenant, sub: 'agent-ana', roles, brands: ['hotels'] })), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const openTicket = async (instance: Instance, dueInMs: number) => {
    const res = await call(instance, 'POST', '/v1/tickets', {
      brandId: 'hotels',
      kind: 'inquiry',
      channel: 'phone',
      queueId: 'front-office',
      subject: 'Airport transfer?',
      receivedAt: new Date(Date.now() - 60_000 + dueInMs).toISOString(),
    });
    expect(res.status).toBe(201);
    return (res.body.ticket as { ticketId: string }).ticketId;
  };
  const count = async (ticketId: string, type: string) => (await events.readStream(`ticket-${ticketId}`)).filter((e) => e.type === type).length;

  it('fires a timer armed before its process was killed exactly once, with two new instances running', async () => {
    const first = await startInstance('first');
    events = await PostgresEventStore.connect({ pool, schema });
    timers = await PostgresTimerStore.connect({ pool, schema });
    expect((await call(first, 'PUT', '/v1/ticket-settings', ONE_MINUTE, ['admin'])).status).toBe(200);

    const ticketId = await openTicket(first, 20_000);
    const key = slaTimerKey(ticketId, 'first-response');
    await eventually(async () => expect(await timers.get(tenant, key)).toMatchObject({ status: 'pending' }), { timeoutMs: 15_000 });
    first.child.kill('SIGKILL');
    await first.exited;
    expect(await count(ticketId, 'SlaBreached')).toBe(0);
    expect(await timers.get(tenant, key)).toMatchObject({ status: 'pending', attempts: 0 });

    const [second, third] = await Promise.all([startInstance('second'), startInstance('third')]);
    // more tickets falling due while both instances run
    const more = await Promise.all([openTicket(second, 3_000), openTicket(third, 3_000), openTicket(second, 4_000)]);
    const all = [ticketId, ...more];
    await eventually(
      async () => {
        for (const id of all) expect(await count(id, 'SlaBreached')).toBe(1);
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    // the timers are gone (fired, or cancelled by the scheduler after the breach): nothing can fire again
    await eventually(async () => expect(await timers.list({ tenantId: tenant })).toEqual([]), { timeoutMs: 10_000 });
    for (const id of all) {
      expect(await count(id, 'SlaBreached')).toBe(1);
      expect(await count(id, 'TicketEscalated')).toBe(1);
    }

    // graceful shutdown: SIGTERM drains and exits 0
    second.child.kill('SIGTERM');
    third.child.kill('SIGTERM');
    expect(await Promise.all([second.exited, third.exited])).toEqual([0, 0]);
  });
});
