import { nanos } from '@nats-io/transport-node';
import { InvalidMessagingOptionError } from './errors';
import { deadLetterStreamConfig, resolveDeadLetterOptions, serviceStreamConfig } from './streams';

describe('serviceStreamConfig', () => {
  it('names the stream after the service, stores on file, with a 10-minute duplicate window by default', () => {
    const config = serviceStreamConfig({ service: 'customer-profile' });
    expect(config).toMatchObject({
      name: 'HEARTH_CUSTOMER_PROFILE',
      subjects: ['hearth.customer-profile.>'],
      storage: 'file',
      retention: 'limits',
      discard: 'old',
      duplicate_window: nanos(10 * 60_000),
      max_age: nanos(7 * 24 * 3_600_000),
      max_bytes: 1024 ** 3,
      max_msgs: -1,
      num_replicas: 1,
    });
    expect(config.description).toContain('partitions=16');
  });

  it('takes retention limits and the partition count from the options', () => {
    const config = serviceStreamConfig({ service: 'loyalty', maxAgeMs: 3_600_000, maxBytes: 5_000_000, maxMsgs: 1_000, duplicateWindowMs: 20 * 60_000, partitions: 4 });
    expect(config).toMatchObject({ max_age: nanos(3_600_000), max_bytes: 5_000_000, max_msgs: 1_000, duplicate_window: nanos(20 * 60_000) });
    expect(config.description).toContain('partitions=4');
  });

  it.each([
    ['a duplicate window under 10 minutes', { duplicateWindowMs: 60_000 }],
    ['a duplicate window longer than the max age', { maxAgeMs: 15 * 60_000, duplicateWindowMs: 20 * 60_000 }],
    ['zero partitions', { partitions: 0 }],
    ['a negative size', { maxBytes: -5 }],
    ['a fractional age', { maxAgeMs: 1.5 }],
  ])('rejects %s', (_label, options) => {
    expect(() => serviceStreamConfig({ service: 'loyalty', ...options })).toThrow(InvalidMessagingOptionError);
  });
});

describe('dead-letter stream', () => {
  it('defaults to HEARTH_DLQ on hearth.dlq.> and refuses new letters rather than dropping old ones when full', () => {
    expect(resolveDeadLetterOptions()).toEqual({ stream: 'HEARTH_DLQ', subjectPrefix: 'hearth.dlq' });
    expect(deadLetterStreamConfig()).toMatchObject({ name: 'HEARTH_DLQ', subjects: ['hearth.dlq.>'], discard: 'new', storage: 'file', max_age: 0 });
  });

  it('can be renamed (tests use their own)', () => {
    expect(deadLetterStreamConfig({ stream: 'DLQ_T1', subjectPrefix: 'hearth.dlq-t1' })).toMatchObject({ name: 'DLQ_T1', subjects: ['hearth.dlq-t1.>'] });
    expect(() => resolveDeadLetterOptions({ stream: 'bad.name' })).toThrow(InvalidMessagingOptionError);
    expect(() => resolveDeadLetterOptions({ subjectPrefix: 'hearth.*' })).toThrow(InvalidMessagingOptionError);
  });
});
