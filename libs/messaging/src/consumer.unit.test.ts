import { createContractRegistry, defineEvent } from '@hearth/contracts';
import { z } from 'zod';
import { resolveConsumeOptions } from './consumer';
import { InvalidMessagingOptionError } from './errors';
import { issuesOf } from './request-reply';
import { resolveDeadLetterOptions } from './streams';

const visitV1 = defineEvent({
  type: 'hearth.unit-svc.visit-recorded',
  version: 1,
  description: 'A visit (unit test contract).',
  data: z.object({ visitId: z.string() }),
  example: { visitId: 'v' },
});
const noteV1 = defineEvent({
  type: 'hearth.unit-svc.note-added',
  version: 1,
  description: 'A note (unit test contract).',
  data: z.object({ text: z.string() }),
  example: { text: 't' },
});
const deps = { contracts: createContractRegistry([visitV1, noteV1]), deadLetters: resolveDeadLetterOptions() };
const base = { stream: 'HEARTH_UNIT_SVC', durable: 'unit--test', handle: async () => undefined };

describe('resolveConsumeOptions', () => {
  it('orders per partition by default and takes the subjects of a contract list', () => {
    const resolved = resolveConsumeOptions(deps, { ...base, contracts: [visitV1, noteV1] });
    expect(resolved).toMatchObject({ ordering: 'partitioned', concurrency: 16, maxDeliver: 5, ackWaitMs: 30_000, backoffMs: [1_000, 5_000, 15_000, 30_000] });
    expect(resolved.covering.join('.')).toBe('hearth.unit-svc.*.v1');
    expect(resolved.registry.subjects).toEqual([visitV1.subject, noteV1.subject]);
  });

  it('needs explicit subjects with a registry', () => {
    expect(() => resolveConsumeOptions(deps, base)).toThrow(/give the subjects/);
    expect(resolveConsumeOptions(deps, { ...base, subjects: ['hearth.unit-svc.>'] }).covering.join('.')).toBe('hearth.unit-svc.*.*');
  });

  it.each([
    ['a bad durable', { durable: 'a.b' }],
    ['a bad stream', { stream: 'A B' }],
    ['an unknown ordering', { ordering: 'random' }],
    ['zero concurrency', { concurrency: 0 }],
    ['zero max deliveries', { maxDeliver: 0 }],
    ['a tiny ack wait', { ackWaitMs: 10 }],
    ['a negative backoff', { backoffMs: [100, -1] }],
    ['a bad dead-letter prefix', { deadLetters: { subjectPrefix: 'hearth.>' } }],
  ])('rejects %s', (_label, overrides) => {
    expect(() => resolveConsumeOptions(deps, { ...base, subjects: ['hearth.unit-svc.>'], ...(overrides as object) })).toThrow(InvalidMessagingOptionError);
  });
});

describe('issuesOf', () => {
  it('turns zod issues into field paths', () => {
    const result = z.object({ tags: z.array(z.string()), guest: z.object({ id: z.string() }) }).safeParse({ tags: ['a', 1], guest: {} });
    expect(result.success).toBe(false);
    expect(issuesOf(result.error).map((i) => i.path).sort()).toEqual(['guest.id', 'tags[1]']);
  });

  it('falls back to the error message', () => {
    expect(issuesOf(new Error('bad'))).toEqual([{ path: '', message: 'bad' }]);
  });
});
