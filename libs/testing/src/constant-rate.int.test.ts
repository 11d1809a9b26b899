import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constantRate, vegetaBinary } from './constant-rate';

describe('constantRate (Vegeta)', () => {
  let server: Server;
  let port: number;
  const seen: { method: string; url: string; auth: string | undefined; body: string }[] = [];

  beforeAll(async () => {
    vegetaBinary(); // built once (~40 s cold) before the first attack
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body });
        const status = req.url?.startsWith('/missing') ? 404 : 200;
        res.writeHead(status, { 'content-type': 'application/json', 'server-timing': 'app;dur=0.25' });
        res.end(JSON.stringify(req.url === '/who' ? { auth: req.headers.authorization } : { items: [{ url: req.url }] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  }, 180_000);

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the targets in turn at the rate, with their headers and bodies, and reports every answer', async () => {
    seen.length = 0;
    const paths: string[] = [];
    const result = await constantRate({
      port,
      rate: 100,
      seconds: 1,
      targets: [
        { method: 'GET', path: '/guests/a', headers: { authorization: 'Bearer one' } },
        { method: 'POST', path: '/guests', headers: { authorization: 'Bearer two' }, body: { name: 'Ana' } },
        { method: 'GET', path: '/missing/b' },
      ],
      bodyBytes: 11,
      ok: (status, bodyStart) => status === 200 && bodyStart === '{"items":[{',
      onResult: (path) => paths.push(path),
    });

    expect(result.latencies).toHaveLength(100);
    expect(result.latencies).toEqual([...result.latencies].sort((a, b) => a - b));
    expect(result.statuses[200]! + result.statuses[404]!).toBe(100);
    // every third request is the 404 target: those are the errors
    expect(result.errors).toBe(result.statuses[404]);
    expect(result.statuses[404]).toBeGreaterThanOrEqual(33);
    expect(result.statuses[404]).toBeLessThanOrEqual(34);
    expect(result.serverMs).toHaveLength(100);
    expect(new Set(result.serverMs)).toEqual(new Set([0.25]));
    expect(result.achieved).toBeGreaterThan(80);
    expect(result.achieved).toBeLessThan(120);
    expect(new Set(paths)).toEqual(new Set(['/guests/a', '/guests', '/missing/b']));
    expect(result.p99BySecond).toHaveLength(1); // all sent within the one second
    expect(result.p99BySecond[0]).toBeLessThanOrEqual(result.latencies.at(-1)!);

    expect(seen).toHaveLength(100);
    expect(seen).toContainEqual({ method: 'GET', url: '/guests/a', auth: 'Bearer one', body: '' });
    expect(seen).toContainEqual({ method: 'POST', url: '/guests', auth: 'Bearer two', body: '{"name":"Ana"}' });
  }, 60_000);

  it('hands each answer back with the target it was sent for, also when targets share a path', async () => {
    const answers: { label: string | undefined; path: string; bodyStart: string }[] = [];
    await constantRate({
      port,
      rate: 50,
      seconds: 1,
      targets: [
        { method: 'GET', path: '/who', headers: { authorization: 'Bearer one' }, label: 'first' },
        { method: 'GET', path: '/who', headers: { authorization: 'Bearer two' }, label: 'second' },
      ],
      bodyBytes: 40,
      onResult: (path, _ms, _status, bodyStart, target) => answers.push({ label: target.label, path, bodyStart }),
    });
    expect(answers).toHaveLength(50);
    expect(new Set(answers.map((a) => a.path))).toEqual(new Set(['/who']));
    for (const label of ['first', 'second']) expect(answers.filter((a) => a.label === label)).toHaveLength(25);
    // the answer to each request names the token sent with it: the target handed back is the one sent
    for (const answer of answers) expect(answer.bodyStart).toBe(JSON.stringify({ auth: answer.label === 'first' ? 'Bearer one' : 'Bearer two' }));
  }, 60_000);

  it('sends a lead-in first in the same run and leaves it out of the figures, telling when the measured part begins', async () => {
    seen.length = 0;
    const measured: string[] = [];
    let measuringAt = 0;
    const started = Date.now();
    const result = await constantRate({
      port,
      rate: 50,
      seconds: 1,
      leadIn: { seconds: 1, targets: Array.from({ length: 50 }, () => ({ method: 'GET' as const, path: '/missing/lead' })) },
      // rate × seconds of each: the run reads the targets once, in order (fewer would repeat the lead-in's)
      targets: Array.from({ length: 50 }, () => ({ method: 'GET' as const, path: '/guests/measured' })),
      onResult: (path) => measured.push(path),
      onMeasuring: () => (measuringAt = Date.now()),
    });
    // both parts were sent, in one run, lead-in first
    expect(seen.filter((r) => r.url === '/missing/lead')).toHaveLength(50);
    expect(seen.filter((r) => r.url === '/guests/measured')).toHaveLength(50);
    expect(seen.findIndex((r) => r.url === '/guests/measured')).toBeGreaterThanOrEqual(49);
    // only the measured part is in the figures (the lead-in's 404s are not errors of the measurement)
    expect(new Set(measured)).toEqual(new Set(['/guests/measured']));
    expect(result.latencies).toHaveLength(50);
    expect(result.errors).toBe(0);
    expect(result.statuses).toEqual({ 200: 50 });
    expect(result.leadIn).toEqual({ latencies: expect.any(Array), errors: 50 });
    expect(result.leadIn!.latencies).toHaveLength(50);
    expect(measuringAt - started).toBeGreaterThanOrEqual(1_000);
  }, 60_000);

  it('reports the CPU a watched process used while the measured requests were sent, and for how long they were', async () => {
    // enough requests that answering them costs this process several clock ticks (10 ms each)
    const lead = Array.from({ length: 300 }, () => ({ method: 'GET' as const, path: '/lead' }));
    const measured = Array.from({ length: 300 }, () => ({ method: 'GET' as const, path: '/measured' }));
    // the watched tree is a process and its direct children: this process's parent holds this process (which
    // answers the requests) but not Vegeta (this process's child, gone before the run's end would be sampled)
    const watched = await constantRate({ port, rate: 300, seconds: 1, leadIn: { seconds: 1, targets: lead }, targets: measured, watch: process.ppid });
    // the measured part only: about one second of the two-second run (plus the run's end)
    expect(watched.measuredSeconds).toBeGreaterThan(0.9);
    expect(watched.measuredSeconds).toBeLessThan(1.9);
    // this process answered the requests: the tree used CPU meanwhile, measured in user and system seconds
    expect(watched.watchedCpu!.user + watched.watchedCpu!.system).toBeGreaterThan(0);
    // over the measured part only, not since the processes started: at most the machine's two cores (plus tick rounding)
    expect(watched.watchedCpu!.user + watched.watchedCpu!.system).toBeLessThan(watched.measuredSeconds * 2 + 0.5);
    const unwatched = await constantRate({ port, rate: 50, seconds: 1, targets: measured.slice(0, 50) });
    expect(unwatched.watchedCpu).toBeUndefined();
  }, 60_000);

  it('counts requests nobody answers as errors with status 0', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const unused = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await constantRate({ port: unused, rate: 20, seconds: 1, targets: [{ method: 'GET', path: '/' }] });
    expect(result.statuses[0]).toBe(20);
    expect(result.errors).toBe(20);
    expect(result.serverMs).toEqual([]);
  }, 60_000);
});
