/**
 * Naming rules shared by streams, publishers and consumers (pure functions, no I/O).
 *
 * Wire subject of a message: `<type>.v<N>.p<K>`, i.e. the contract subject (`subjectOf(type, version)`)
 * followed by a partition token. The partition is derived from the message's ordering key (the guest
 * by default), so every message of one guest travels in one partition; see the README ("Per-guest
 * ordering") for why the partition has to be in the subject on NATS 2.9.
 */
import { SERVICE_NAME_PATTERN } from '@hearth/contracts';
import type { AnyIntegrationEvent } from '@hearth/contracts';
import { InvalidMessagingOptionError } from './errors';

/** Default name of the dead-letter stream. */
export const DEFAULT_DEAD_LETTER_STREAM = 'HEARTH_DLQ';
/** Default subject prefix of dead letters: `hearth.dlq.<original subject>`. */
export const DEFAULT_DEAD_LETTER_SUBJECT_PREFIX = 'hearth.dlq';
/** Default number of partitions of a service stream. Fixed when the stream is created. */
export const DEFAULT_PARTITIONS = 16;
/** Upper bound on partitions: each one is a durable consumer per consuming service. */
export const MAX_PARTITIONS = 256;

/** The ordering key of an envelope: its guest, else its own id (no ordering needed). */
export function defaultPartitionKey(event: AnyIntegrationEvent): string {
  return event.guestId ?? event.id;
}

/** `customer-profile` → `HEARTH_CUSTOMER_PROFILE`. Throws for a name that is not lower-kebab. */
export function streamNameFor(service: string): string {
  assertServiceName(service);
  return `HEARTH_${service.toUpperCase().replaceAll('-', '_')}`;
}

/** `customer-profile` → `hearth.customer-profile.>`: every subject the service publishes. */
export function streamSubjectFor(service: string): string {
  assertServiceName(service);
  return `hearth.${service}.>`;
}

/** The producing service of a contract subject or type: `hearth.customer-profile.guest-registered.v1` → `customer-profile`. */
export function serviceOfSubject(subject: string): string | undefined {
  const [root, service] = subject.split('.');
  return root === 'hearth' && service && SERVICE_NAME_PATTERN.test(service) ? service : undefined;
}

function assertServiceName(service: string): void {
  if (typeof service !== 'string' || !SERVICE_NAME_PATTERN.test(service)) {
    throw new InvalidMessagingOptionError('service', `'${String(service)}' must be a lower-kebab service name`);
  }
}

/** Stream names: letters, digits, `_` and `-` (JetStream forbids `.`, `*`, `>`, spaces and path separators). */
const STREAM_NAME = /^[A-Za-z0-9_-]{1,128}$/;
/** Durable consumer names: same alphabet; `_p<K>` is appended per partition. */
const DURABLE_NAME = /^[A-Za-z0-9_-]{1,120}$/;
const SUBJECT_TOKEN = /^[A-Za-z0-9_-]+$/;

export function assertStreamName(name: string, option = 'stream'): void {
  if (typeof name !== 'string' || !STREAM_NAME.test(name)) {
    throw new InvalidMessagingOptionError(option, `'${String(name)}' must be 1-128 letters, digits, '_' or '-'`);
  }
}

export function assertDurableName(name: string): void {
  if (typeof name !== 'string' || !DURABLE_NAME.test(name)) {
    throw new InvalidMessagingOptionError('durable', `'${String(name)}' must be 1-120 letters, digits, '_' or '-'`);
  }
}

/** A literal subject prefix such as `hearth.dlq` (no wildcards, no empty tokens). */
export function assertSubjectPrefix(prefix: string, option: string): void {
  if (typeof prefix !== 'string' || prefix.split('.').some((t) => !SUBJECT_TOKEN.test(t))) {
    throw new InvalidMessagingOptionError(option, `'${String(prefix)}' must be dot-separated tokens of letters, digits, '_' or '-'`);
  }
}

export function assertPartitions(partitions: number): void {
  if (!Number.isSafeInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS) {
    throw new InvalidMessagingOptionError('partitions', `must be an integer from 1 to ${MAX_PARTITIONS}, got ${String(partitions)}`);
  }
}

/**
 * The partition of a key: 32-bit FNV-1a over the key's UTF-8 bytes, modulo `partitions`. Stable across
 * processes, versions and languages (it decides which durable consumer sees a guest's events).
 */
export function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(key, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

/** `hearth.x.y.v1` + 3 → `hearth.x.y.v1.p3`. */
export function messageSubject(contractSubject: string, partition: number): string {
  return `${contractSubject}.p${partition}`;
}

const PARTITION_TOKEN = /^p(0|[1-9][0-9]*)$/;

/**
 * Splits a wire subject into its contract subject and partition. A subject without a partition token
 * (published by something else than this library) is reported with `partition: undefined`.
 */
export function parseMessageSubject(subject: string): { contractSubject: string; partition: number | undefined } {
  const lastDot = subject.lastIndexOf('.');
  const last = subject.slice(lastDot + 1);
  if (lastDot > 0 && PARTITION_TOKEN.test(last) && subject.split('.').length === 5) {
    return { contractSubject: subject.slice(0, lastDot), partition: Number(last.slice(1)) };
  }
  return { contractSubject: subject, partition: undefined };
}

/** A subscription pattern over contract subjects, as four tokens: `hearth`, service, event, version. */
export type SubjectPattern = readonly [string, string, string, string];

/**
 * Parses a pattern over contract subjects (`hearth.<service>.<event>.v<N>`): an exact subject, `*`
 * for one token, `>` as the last token for the rest. `hearth.customer-profile.>` becomes
 * `hearth.customer-profile.*.*`.
 */
export function parseSubjectPattern(pattern: string): SubjectPattern {
  const fail = (reason: string) => new InvalidMessagingOptionError('subjects', `'${pattern}' ${reason}`);
  if (typeof pattern !== 'string' || pattern === '') throw fail('must be a non-empty subject pattern');
  const tokens = pattern.split('.');
  if (tokens[0] !== 'hearth') throw fail("must start with 'hearth.'");
  const out: string[] = [];
  for (const [i, token] of tokens.entries()) {
    if (token === '>') {
      if (i !== tokens.length - 1) throw fail("may use '>' only as its last token");
      while (out.length < 4) out.push('*');
      break;
    }
    if (token !== '*' && !SUBJECT_TOKEN.test(token)) throw fail(`has an invalid token '${token}'`);
    out.push(token);
  }
  if (out.length !== 4) throw fail('must have four tokens: hearth.<service>.<event>.v<N> (wildcards allowed)');
  return out as unknown as SubjectPattern;
}

/** True when a contract subject matches a pattern. */
export function matchesPattern(pattern: SubjectPattern, contractSubject: string): boolean {
  const tokens = contractSubject.split('.');
  return tokens.length === 4 && pattern.every((p, i) => p === '*' || p === tokens[i]);
}

/**
 * The narrowest single pattern covering all of `patterns`: equal tokens are kept, differing ones
 * become `*`. NATS 2.9 allows one filter subject per consumer, so several subscriptions share this
 * filter and the consumer acknowledges (skips) messages outside the requested patterns.
 */
export function coveringPattern(patterns: readonly SubjectPattern[]): SubjectPattern {
  const [first, ...rest] = patterns;
  if (!first) throw new InvalidMessagingOptionError('subjects', 'give at least one subject');
  return first.map((token, i) => (rest.every((p) => p[i] === token) ? token : '*')) as unknown as SubjectPattern;
}

/** The consumer filter subject of a pattern: one partition, or every partition (`*`). */
export function filterSubject(pattern: SubjectPattern, partition: number | '*'): string {
  return `${pattern.join('.')}.${partition === '*' ? '*' : `p${partition}`}`;
}

/** The durable of one partition of an ordered subscription: `timeline--guest-view_p3`. */
export function partitionDurable(durable: string, partition: number): string {
  return `${durable}_p${partition}`;
}

/** `hearth.dlq` + `hearth.x.y.v1.p3` → `hearth.dlq.hearth.x.y.v1.p3`. */
export function deadLetterSubject(prefix: string, originalSubject: string): string {
  return `${prefix}.${originalSubject}`;
}

const PARTITIONS_IN_DESCRIPTION = /\bpartitions=(\d+)\b/;

/**
 * NATS 2.9 has no stream metadata, so the partition count lives in the stream description
 * (`… partitions=16`), written by `ensureStream` and read by publishers and ordered consumers.
 * A stream without it (created by hand) has one partition.
 */
export function partitionsFromDescription(description: string | undefined): number {
  const match = description ? PARTITIONS_IN_DESCRIPTION.exec(description) : null;
  return match ? Number(match[1]) : 1;
}

export function describeStream(service: string, partitions: number): string {
  return `Hearth integration events published by ${service}; partitions=${partitions}`;
}
