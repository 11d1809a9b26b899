import { WrongExpectedVersionError } from '../errors';
import type { ExpectedVersion, ReadDirection } from '../types';

/** Throws WrongExpectedVersionError unless `actual` (undefined = no stream) satisfies `expected`. */
export function checkExpectedVersion(stream: string, expected: ExpectedVersion, actual: number | undefined): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && actual === undefined) ||
    (expected === 'stream_exists' && actual !== undefined) ||
    (typeof expected === 'number' && actual === expected);
  if (!ok) throw new WrongExpectedVersionError(stream, expected, actual);
}

/** Applies readStream options to a stream held in version order (index = version). */
export function sliceStream<T>(records: readonly T[], opts: { direction: ReadDirection; fromVersion?: number; limit?: number }): T[] {
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  if (opts.direction === 'forward') {
    const from = opts.fromVersion ?? 0;
    return records.slice(from, Math.min(records.length, from + limit));
  }
  const from = Math.min(opts.fromVersion ?? records.length - 1, records.length - 1);
  const out: T[] = [];
  for (let v = from; v >= 0 && out.length < limit; v--) out.push(records[v]!);
  return out;
}
