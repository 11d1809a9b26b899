import { z } from 'zod';
import { bool, csv, duration, port, url } from './env-helpers';
import { ConfigError } from './errors';
import { loadConfig, type ConfigSummary } from './load-config';
import { describeConfig, secret } from './secrets';

const schema = z.object({
  PORT: port().default(3000),
  DATABASE_URL: url({ protocols: ['postgres', 'postgresql'] }),
  NATS_URL: url({ protocols: ['nats'] }),
  SIGNING_MATERIAL: secret(z.string().min(16)),
  SMTP_PASSWORD: z.string().optional(),
  FEATURE_TIMELINE_LIVE: bool().default(false),
  CORS_ORIGINS: csv(url()).default([]),
  SHUTDOWN_GRACE: duration().default(10_000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

const validEnv = {
  PORT: '8080',
  DATABASE_URL: 'postgres://hearth:s3cret@db:5432/hearth',
  NATS_URL: 'nats://nats:4222',
  SIGNING_MATERIAL: '0123456789abcdef0123',
  SMTP_PASSWORD: 'mail-pw',
  FEATURE_TIMELINE_LIVE: '1',
  CORS_ORIGINS: 'https://a.example, https://b.example',
  SHUTDOWN_GRACE: '30s',
  UNRELATED: 'ignored',
};

const quiet = { log: false as const, exit: false };

describe('loadConfig', () => {
  it('returns the typed config, with defaults, reading only the schema variables', () => {
    const config = loadConfig(schema, { ...quiet, env: validEnv });
    expect(config).toEqual({
      PORT: 8080,
      DATABASE_URL: 'postgres://hearth:s3cret@db:5432/hearth',
      NATS_URL: 'nats://nats:4222',
      SIGNING_MATERIAL: '0123456789abcdef0123',
      SMTP_PASSWORD: 'mail-pw',
      FEATURE_TIMELINE_LIVE: true,
      CORS_ORIGINS: ['https://a.example', 'https://b.example'],
      SHUTDOWN_GRACE: 30_000,
      LOG_LEVEL: 'info',
    });
    const port: number = config.PORT;
    expect(port).toBe(8080);
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig(schema, { ...quiet, env: validEnv });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.CORS_ORIGINS)).toBe(true);
    expect(() => {
      (config as { PORT: number }).PORT = 1;
    }).toThrow(TypeError);
    expect(() => (config.CORS_ORIGINS as string[]).push('https://c.example')).toThrow(TypeError);
  });

  it('treats an empty value as not set, so defaults apply', () => {
    const config = loadConfig(schema, { ...quiet, env: { ...validEnv, PORT: '', SMTP_PASSWORD: '' } });
    expect(config.PORT).toBe(3000);
    expect(config.SMTP_PASSWORD).toBeUndefined();
  });

  it('lists every problem at once, with the variable name', () => {
    const env = {
      PORT: '99999',
      DATABASE_URL: 'mysql://root:pw@db/hearth',
      SIGNING_MATERIAL: 'short',
      FEATURE_TIMELINE_LIVE: 'yes',
      CORS_ORIGINS: 'https://ok.example,not-a-url',
      SHUTDOWN_GRACE: 'soon',
      LOG_LEVEL: 'verbose',
    };
    let error: unknown;
    try {
      loadConfig(schema, { ...quiet, env, serviceName: 'customer-profile' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, code, message } = error as ConfigError;
    expect(code).toBe('INVALID_CONFIG');
    expect(problems.map((p) => p.variable)).toEqual([
      'PORT',
      'DATABASE_URL',
      'NATS_URL',
      'SIGNING_MATERIAL',
      'FEATURE_TIMELINE_LIVE',
      'CORS_ORIGINS[1]',
      'SHUTDOWN_GRACE',
      'LOG_LEVEL',
    ]);
    expect(problems).toContainEqual({ variable: 'NATS_URL', message: 'is required but not set' });
    expect(problems).toContainEqual({ variable: 'DATABASE_URL', message: 'must use one of the schemes postgres, postgresql (got mysql)' });
    expect(message).toMatch(/^Invalid configuration for customer-profile \(8 problems\):\n {2}- PORT: must be a port number/);
    expect(message).not.toContain('short'); // a secret's value never appears
    expect(message).not.toContain('root:pw');
  });

  it('reports cross-field rules', () => {
    const withRule = z
      .object({ MIN_POOL: z.coerce.number(), MAX_POOL: z.coerce.number() })
      .refine((c) => c.MIN_POOL <= c.MAX_POOL, { message: 'MIN_POOL must not exceed MAX_POOL' });
    expect(() => loadConfig(withRule, { ...quiet, env: { MIN_POOL: '5', MAX_POOL: '2' } })).toThrow(
      expect.objectContaining({ problems: [{ variable: '(config)', message: 'MIN_POOL must not exceed MAX_POOL' }] }),
    );
  });

  it('prints every problem and exits with code 1 on the default path', () => {
    const exit = jest.fn();
    const logError = jest.fn();
    expect(() => loadConfig(schema, { env: {}, exit, logError, log: false, serviceName: 'timeline' })).toThrow(ConfigError);
    expect(exit).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(1);
    expect(logError).toHaveBeenCalledTimes(1);
    const printed = logError.mock.calls[0]![0] as string;
    expect(printed).toContain('Invalid configuration for timeline (3 problems)');
    for (const variable of ['DATABASE_URL', 'NATS_URL', 'SIGNING_MATERIAL']) {
      expect(printed).toContain(`  - ${variable}: is required but not set`);
    }
  });

  it('writes to stderr and calls process.exit(1) when exit is true', () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => loadConfig(schema, { env: {}, log: false })).toThrow(ConfigError);
      expect(exit).toHaveBeenCalledWith(1);
      expect(stderr).toHaveBeenCalledWith(expect.stringContaining('NATS_URL: is required but not set'));
    } finally {
      exit.mockRestore();
      stderr.mockRestore();
    }
  });

  it('logs a one-line start-up summary with secrets masked (marker, name and URL)', () => {
    const log = jest.fn<void, [ConfigSummary]>();
    const config = loadConfig(schema, { env: validEnv, exit: false, log, serviceName: 'customer-profile' });
    expect(log).toHaveBeenCalledTimes(1);
    const summary = log.mock.calls[0]![0];
    expect(summary).toMatchObject({ level: 'info', msg: 'configuration loaded', service: 'customer-profile' });
    expect(summary.config).toMatchObject({
      PORT: 8080,
      DATABASE_URL: 'postgres://hearth:***@db:5432/hearth',
      SIGNING_MATERIAL: '***',
      SMTP_PASSWORD: '***',
    });
    const line = JSON.stringify(summary);
    for (const secretValue of ['s3cret', '0123456789abcdef0123', 'mail-pw']) expect(line).not.toContain(secretValue);
    // describeConfig knows the markers of a loaded config without being given the schema
    expect(describeConfig(config)).toEqual(summary.config);
  });

  it('logs the summary as JSON through console.log by default', () => {
    const consoleLog = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      loadConfig(schema, { env: validEnv, exit: false });
      expect(consoleLog).toHaveBeenCalledTimes(1);
      const line = consoleLog.mock.calls[0]![0] as string;
      expect(JSON.parse(line)).toMatchObject({ msg: 'configuration loaded', config: { SIGNING_MATERIAL: '***' } });
      expect(line).not.toContain('\n');
    } finally {
      consoleLog.mockRestore();
    }
  });

  it('reads process.env by default', () => {
    const previous = process.env.HEARTH_CONFIG_TEST_PORT;
    process.env.HEARTH_CONFIG_TEST_PORT = '4321';
    try {
      expect(loadConfig(z.object({ HEARTH_CONFIG_TEST_PORT: port() }), quiet)).toEqual({ HEARTH_CONFIG_TEST_PORT: 4321 });
    } finally {
      if (previous === undefined) delete process.env.HEARTH_CONFIG_TEST_PORT;
      else process.env.HEARTH_CONFIG_TEST_PORT = previous;
    }
  });
});
