import { z } from 'zod';
import { url } from './env-helpers';
import { describeConfig, isSecretName, isSecretSchema, maskUrlCredentials, secret, secretKeysOf } from './secrets';

describe('maskUrlCredentials', () => {
  it.each([
    ['postgres://user:pass@host:5432/db', 'postgres://user:***@host:5432/db'],
    ['postgres://user:p@ss@host/db', 'postgres://user:***@host/db'],
    ['redis://:pw@cache:6379', 'redis://:***@cache:6379'],
    ['https://ghp_token@github.com/org/repo', 'https://***@github.com/org/repo'],
    ['mongodb://u:p@a:27017,b:27017/db?replicaSet=rs0', 'mongodb://u:***@a:27017,b:27017/db?replicaSet=rs0'],
    ['amqp://h/vhost?user=me&password=hunter2&heartbeat=10', 'amqp://h/vhost?user=me&password=***&heartbeat=10'],
    ['https://api.example/x?access_token=abc#top', 'https://api.example/x?access_token=***#top'],
    ['nats://localhost:4222', 'nats://localhost:4222'],
    ['not a url: user:pass@host', 'not a url: user:pass@host'],
    ['a=postgres://u:p@h,b=nats://x:y@n', 'a=postgres://u:***@h,b=nats://x:***@n'],
  ])('%s → %s', (input, expected) => {
    expect(maskUrlCredentials(input)).toBe(expected);
  });
});

describe('isSecretName', () => {
  it.each([
    'DB_PASSWORD',
    'PASSWORD',
    'JWT_SECRET',
    'GITHUB_TOKEN',
    'STRIPE_API_KEY',
    'AWS_SECRET_ACCESS_KEY',
    'SMTP_PASS',
    'OAUTH_CLIENT_CREDENTIALS',
    'DB_PASSWORD_FILE',
    'dbPassword',
    'api-key',
  ])('%s is secret', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each(['PORT', 'DATABASE_URL', 'KEYCLOAK_URL', 'TOKEN_TTL', 'KEY_PREFIX_LENGTH', 'PASSENGER_COUNT', 'LOG_LEVEL'])(
    '%s is not secret',
    (name) => {
      expect(isSecretName(name)).toBe(false);
    },
  );
});

describe('secret markers', () => {
  const schema = z.object({
    WRAPPED: secret(z.string()),
    META: z.string().meta({ secret: true }),
    WRAPPED_THEN_OPTIONAL: secret(url()).optional(),
    OPTIONAL_THEN_MARKED: z.string().optional().meta({ secret: true }),
    WITH_DEFAULT: secret(z.string()).default('x'),
    PLAIN: z.string(),
  });

  it('are found through optional, default and pipes', () => {
    expect(secretKeysOf(schema)).toEqual(['WRAPPED', 'META', 'WRAPPED_THEN_OPTIONAL', 'OPTIONAL_THEN_MARKED', 'WITH_DEFAULT']);
    expect(isSecretSchema(schema.shape.PLAIN)).toBe(false);
  });

  it('keep existing metadata', () => {
    expect(secret(z.string().describe('the signing key')).meta()).toEqual({ description: 'the signing key', secret: true });
  });
});

describe('describeConfig', () => {
  it('masks by marker (with the schema), by name and inside URLs', () => {
    const schema = z.object({ SIGNING: secret(z.string()), DATABASE_URL: z.string(), API_KEY: z.string(), PORT: z.number() });
    const config = {
      SIGNING: 'abc',
      DATABASE_URL: 'postgres://hearth:s3cret@db/hearth',
      API_KEY: 'k',
      PORT: 3000,
      ORIGINS: ['https://u:p@a.example', 'https://b.example'],
      NESTED: { CLIENT_SECRET: 'x', ENDPOINT: 'nats://n:pw@nats:4222' },
      UNSET_TOKEN: undefined,
    };
    expect(describeConfig(config, schema)).toEqual({
      SIGNING: '***',
      DATABASE_URL: 'postgres://hearth:***@db/hearth',
      API_KEY: '***',
      PORT: 3000,
      ORIGINS: ['https://u:***@a.example', 'https://b.example'],
      NESTED: { CLIENT_SECRET: '***', ENDPOINT: 'nats://n:***@nats:4222' },
      UNSET_TOKEN: undefined,
    });
  });

  it('without a schema, still masks by name and inside URLs', () => {
    expect(describeConfig({ SIGNING: 'abc', SESSION_TOKEN: 't' })).toEqual({ SIGNING: 'abc', SESSION_TOKEN: '***' });
  });

  it('does not change the config', () => {
    const config = { DB_PASSWORD: 'pw' };
    describeConfig(config);
    expect(config.DB_PASSWORD).toBe('pw');
  });
});
