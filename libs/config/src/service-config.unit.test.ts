import { z } from 'zod';
import { loadConfig } from './load-config';
import { serviceConfigShape } from './service-config';

describe('serviceConfigShape', () => {
  const schema = z.object({ ...serviceConfigShape({ port: 4199, schema: 'demo_service' }), EXTRA: z.string().default('x') });

  it('gives every service the same defaults, with its own port and schema', () => {
    const config = loadConfig(schema, { env: {}, exit: false, log: false });
    expect(config).toMatchObject({ NODE_ENV: 'development', PORT: 4199, DATABASE_SCHEMA: 'demo_service', DATABASE_POOL_SIZE: 20, HTTP_WORKERS: 1, SHUTDOWN_GRACE: 10_000, STRICT_PRODUCTION_CONFIG: false, EXTRA: 'x' });
    expect(config.HTTP_VALIDATE_RESPONSES).toBeUndefined();
  });

  it('lists every bad shared variable at once', () => {
    let error: unknown;
    try {
      loadConfig(schema, { env: { DATABASE_SCHEMA: 'Bad-Name', HTTP_WORKERS: '0', NATS_URL: 'http://x', JWT_SECRET: 'short' }, exit: false, log: false });
    } catch (e) {
      error = e;
    }
    expect((error as { problems: { variable: string }[] }).problems.map((p) => p.variable).sort()).toEqual(['DATABASE_SCHEMA', 'HTTP_WORKERS', 'JWT_SECRET', 'NATS_URL']);
    expect(String(error)).not.toContain('short');
  });
});
