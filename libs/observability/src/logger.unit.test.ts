import { Writable } from 'node:stream';
import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { StackContextManager } from '@opentelemetry/sdk-trace';
import { createLogger } from './logger';

/** Collects the logger's output as parsed JSON lines. */
function capture(): { destination: Writable; lines: () => Record<string, unknown>[] } {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return {
    destination,
    lines: () =>
      text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

describe('createLogger', () => {
  beforeAll(() => {
    context.setGlobalContextManager(new StackContextManager().enable());
  });
  afterAll(() => {
    context.disable();
  });

  it('writes one JSON object per line with time, level label, service and message', () => {
    const out = capture();
    const logger = createLogger({ serviceName: 'timeline', destination: out.destination });
    logger.info({ guestId: 'g-1' }, 'timeline updated');
    const [line] = out.lines();
    expect(line).toMatchObject({ level: 'info', service: 'timeline', guestId: 'g-1', msg: 'timeline updated' });
    expect(new Date(String(line!.time)).toISOString()).toBe(line!.time);
    expect(line).not.toHaveProperty('trace_id');
  });

  it('adds trace_id and span_id of the active span', () => {
    const out = capture();
    const logger = createLogger({ serviceName: 'timeline', destination: out.destination });
    const span = trace.wrapSpanContext({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED });
    context.with(trace.setSpan(ROOT_CONTEXT, span), () => logger.info('inside'));
    logger.info('outside');
    const [inside, outside] = out.lines();
    expect(inside).toMatchObject({ msg: 'inside', trace_id: TRACE_ID, span_id: SPAN_ID });
    expect(outside).not.toHaveProperty('trace_id');
  });

  it('redacts authorization headers, passwords and tokens, at the top level, one level down and in headers', () => {
    const out = capture();
    const logger = createLogger({ serviceName: 'gateway', destination: out.destination, redact: ['card.number'] });
    logger.info(
      {
        password: 'p1',
        token: 't1',
        user: { name: 'ana', password: 'p2', accessToken: 't2' },
        headers: { authorization: 'Bearer a1', 'x-api-key': 'k1', accept: 'application/json' },
        req: { headers: { authorization: 'Bearer a2', cookie: 'sid=1' } },
        res: { raw: { headers: { 'set-cookie': 'sid=2' } } },
        card: { number: '4111', brand: 'visa' },
      },
      'request',
    );
    const text = JSON.stringify(out.lines());
    for (const secret of ['p1', 'p2', 't1', 't2', 'Bearer a1', 'Bearer a2', 'k1', 'sid=1', 'sid=2', '4111']) expect(text).not.toContain(secret);
    expect(out.lines()[0]).toMatchObject({
      password: '[REDACTED]',
      user: { name: 'ana', password: '[REDACTED]' },
      headers: { authorization: '[REDACTED]', accept: 'application/json' },
      card: { number: '[REDACTED]', brand: 'visa' },
    });
  });

  it('gives child loggers their bindings on every line, keeping service and trace ids', () => {
    const out = capture();
    const logger = createLogger({ serviceName: 'loyalty', destination: out.destination, base: { version: '1.2.3' } });
    const child = logger.child({ consumer: 'loyalty--stays' });
    const span = trace.wrapSpanContext({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED });
    context.with(trace.setSpan(ROOT_CONTEXT, span), () => child.warn({ password: 'x' }, 'slow'));
    expect(out.lines()[0]).toMatchObject({ level: 'warn', service: 'loyalty', version: '1.2.3', consumer: 'loyalty--stays', trace_id: TRACE_ID, password: '[REDACTED]' });
  });

  it('filters by level and serialises errors with their code and cause', () => {
    const out = capture();
    const logger = createLogger({ serviceName: 'sales', level: 'WARN', destination: out.destination });
    logger.info('dropped');
    const error = Object.assign(new Error('append failed', { cause: new Error('connection reset') }), { code: 'STORE_UNAVAILABLE' });
    logger.error({ err: error }, 'command failed');
    const lines = out.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error', err: { type: 'Error', message: expect.stringContaining('append failed'), code: 'STORE_UNAVAILABLE' } });
    expect(JSON.stringify(lines[0])).toContain('connection reset');
  });

  it('rejects an unknown level with a typed error', () => {
    expect(() => createLogger({ serviceName: 'x', level: 'verbose' })).toThrow(expect.objectContaining({ code: 'INVALID_TELEMETRY_SETTING', setting: 'LOG_LEVEL' }));
  });
});
