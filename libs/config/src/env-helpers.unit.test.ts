import { z } from 'zod';
import { bool, csv, duration, port, url } from './env-helpers';

const messages = (schema: z.ZodType, input: unknown) => {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => i.message);
};

describe('port()', () => {
  it.each([
    ['80', 80],
    [' 8080 ', 8080],
    ['65535', 65535],
    ['1', 1],
  ])('parses %j', (raw, expected) => {
    expect(port().parse(raw)).toBe(expected);
  });

  it.each(['0', '65536', '80.5', '-1', 'http', '', '1e3'])('rejects %j', (raw) => {
    expect(messages(port(), raw)).toEqual([`must be a port number: an integer from 1 to 65535 (got ${JSON.stringify(raw)})`]);
  });

  it('takes a default as a number', () => {
    expect(z.object({ PORT: port().default(3000) }).parse({})).toEqual({ PORT: 3000 });
  });
});

describe('url()', () => {
  it.each([
    'nats://localhost:4222',
    'postgres://hearth:s3cret@db.internal:5432/hearth?sslmode=require',
    'mongodb://a.example:27017,b.example:27017/hearth?replicaSet=rs0',
    'https://otel-collector:4318/v1/traces',
  ])('accepts %s as given', (raw) => {
    expect(url().parse(raw)).toBe(raw);
  });

  it.each(['localhost:5432', 'not a url', '/just/a/path', 'http://', 'http://exa mple.com'])('rejects %j without echoing it', (raw) => {
    expect(messages(url(), raw)).toEqual(['must be an absolute URL with a host, e.g. scheme://host:port/path']);
  });

  it('restricts schemes when asked', () => {
    const pg = url({ protocols: ['postgres:', 'postgresql'] });
    expect(pg.parse('postgresql://db/hearth')).toBe('postgresql://db/hearth');
    expect(messages(pg, 'mysql://user:pw@db/hearth')).toEqual(['must use one of the schemes postgres, postgresql (got mysql)']);
    expect(messages(url({ protocols: ['nats'] }), 'http://n:4222')).toEqual(['must use the scheme nats (got http)']);
  });
});

describe('csv()', () => {
  it('splits, trims and drops empty items', () => {
    expect(csv().parse(' a, b,,c ,')).toEqual(['a', 'b', 'c']);
    expect(csv().parse('')).toEqual([]);
  });

  it('validates items with an item schema, reporting the index', () => {
    const channels = csv(z.enum(['email', 'sms', 'push']));
    expect(channels.parse('email,push')).toEqual(['email', 'push']);
    const result = channels.safeParse('email,fax');
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues[0]!.path).toEqual([1]);
  });

  it('composes with other helpers', () => {
    expect(csv(port()).parse('80, 443')).toEqual([80, 443]);
    expect(messages(csv(port()), '80,http')).toEqual(['must be a port number: an integer from 1 to 65535 (got "http")']);
  });
});

describe('bool()', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['false', false],
    [' False ', false],
    ['0', false],
  ])('parses %j', (raw, expected) => {
    expect(bool().parse(raw)).toBe(expected);
  });

  it.each(['yes', 'no', 'on', 'off', '', '2', 'truthy'])('rejects %j', (raw) => {
    expect(messages(bool(), raw)).toEqual([`must be true, false, 1 or 0 (got ${JSON.stringify(raw)})`]);
  });
});

describe('duration()', () => {
  it.each([
    ['1500', 1500],
    ['0', 0],
    ['500ms', 500],
    ['10s', 10_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    [' 10 s ', 10_000],
  ])('parses %j as %d ms', (raw, expected) => {
    expect(duration().parse(raw)).toBe(expected);
  });

  it.each(['ten', '1.5s', '-5s', '5d', '', 's', '99999999999999999999'])('rejects %j', (raw) => {
    expect(messages(duration(), raw)).toEqual([
      `must be a duration: whole milliseconds (1500) or a whole number with a unit ms, s, m or h (500ms, 10s, 5m) (got ${JSON.stringify(raw)})`,
    ]);
  });

  it('truncates a long value in the message', () => {
    expect(messages(duration(), 'x'.repeat(100))[0]).toContain(`(got "${'x'.repeat(37)}...")`);
  });
});
