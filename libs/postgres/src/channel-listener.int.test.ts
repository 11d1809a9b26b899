import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ChannelListener } from './channel-listener';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ChannelListener', () => {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  afterAll(() => pool.end());

  it('hears notifications, reports gaps when it starts and when its connection is lost, and listens again', async () => {
    const channel = `test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const heard: string[] = [];
    let gaps = 0;
    const listener = new ChannelListener({ connection: { connectionString: DATABASE_URL, application_name: channel }, channel, onNotification: (p) => heard.push(p), onGap: () => void gaps++ });
    await listener.start();
    expect(listener.live()).toBe(true);
    expect(gaps).toBe(1);
    await pool.query('SELECT pg_notify($1, $2)', [channel, 'one']);
    await until(() => heard.includes('one'));

    // the server drops the connection: a gap, then listening again (after the back-off)
    await pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [channel]);
    await until(() => gaps >= 2);
    await until(() => listener.live() && gaps >= 3);
    await pool.query('SELECT pg_notify($1, $2)', [channel, 'two']);
    await until(() => heard.includes('two'));
    listener.close();
    expect(listener.live()).toBe(false);
  });
});
