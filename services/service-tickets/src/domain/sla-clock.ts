/**
 * The SLA business-hours clock: pure arithmetic over a property's calendar (IANA time zone, weekly
 * opening hours, holidays). Time-zone conversion uses only `Intl.DateTimeFormat`, so it follows the
 * runtime's tz database and is correct across DST changes: opening hours are local wall-clock times,
 * and an opening interval that spans a change is as long as the wall clock says (an hour shorter or
 * longer), never shifted.
 *
 * Instants are `Date`s or ISO 8601 strings; results are `Date`s. Intervals are half-open `[from, to)`.
 */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A local opening interval of one day, `HH:MM`–`HH:MM` (24-hour); `end` may be `24:00` and must be after `start`. */
export type OpeningInterval = { start: string; end: string };

/** When a property answers: local opening hours per weekday (several intervals allowed) and holidays. */
export type BusinessCalendar = {
  /** IANA time zone, e.g. `Europe/Lisbon`. */
  timeZone: string;
  /** Opening intervals per weekday; a missing or empty day is closed. Overnight hours: `22:00–24:00` + next day `00:00–06:00`. */
  weeklyHours: Partial<Record<Weekday, readonly OpeningInterval[]>>;
  /** Local dates (`YYYY-MM-DD`) on which the property is closed all day. */
  holidays?: readonly string[];
};

/** A stretch of time during which the clock does not run (e.g. waiting on guest). No `to`: still paused. */
export type Pause = { from: Date | string; to?: Date | string };

export type Instant = Date | string;

export type SlaClockErrorCode = 'INVALID_CALENDAR' | 'INVALID_INSTANT' | 'INVALID_TARGET' | 'TARGET_UNREACHABLE';

/** A calendar or argument the clock cannot work with. */
export class SlaClockError extends Error {
  constructor(
    readonly code: SlaClockErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SlaClockError';
  }
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** How far ahead `businessDueAt` looks for enough business time before giving up (a little over two years). */
const MAX_SCAN_DAYS = 800;

/** Open all day, every day, in UTC: the calendar of 24/7 (calendar-time) SLA targets. */
export const ALWAYS_OPEN: BusinessCalendar = Object.freeze({
  timeZone: 'UTC',
  weeklyHours: Object.freeze(Object.fromEntries(WEEKDAYS.map((d) => [d, Object.freeze([{ start: '00:00', end: '24:00' }])]))),
  holidays: Object.freeze([]),
});

/**
 * When a target of `minutes` business minutes, started at `start`, is due: the instant at which the
 * calendar's open time after `start`, minus pauses, adds up to `minutes`. A target reached exactly at
 * closing time is due at closing time. Returns `null` when a pause without end stops the clock before
 * the target is reached (the due time is unknown until the pause ends).
 */
export function businessDueAt(calendar: BusinessCalendar, start: Instant, minutes: number, pauses: readonly Pause[] = []): Date | null {
  if (!Number.isFinite(minutes) || minutes < 0) throw new SlaClockError('INVALID_TARGET', `target must be a non-negative number of minutes, got ${minutes}`);
  const compiled = compile(calendar);
  const from = toMs(start, 'start');
  const stops = normalisePauses(pauses);
  let remaining = minutes * MINUTE;
  if (remaining === 0) return new Date(from);
  const firstDay = localDayNumber(compiled, from) - 1;
  for (let day = firstDay; day <= firstDay + MAX_SCAN_DAYS; day++) {
    for (const [openFrom, openTo] of openIntervalsOfDay(compiled, day)) {
      for (const [s, e] of subtract(Math.max(openFrom, from), openTo, stops)) {
        if (e - s >= remaining) return new Date(s + remaining);
        remaining -= e - s;
      }
    }
    const openPause = stops.find(([, to]) => to === Infinity);
    if (openPause && openPause[0] <= dayStartMs(compiled, day + 1)) return null;
  }
  throw new SlaClockError('TARGET_UNREACHABLE', `the calendar has too little open time to reach ${minutes} minutes within ${MAX_SCAN_DAYS} days`);
}

/** Business time between two instants (0 when `to` is not after `from`), in minutes, excluding pauses. */
export function businessMinutesBetween(calendar: BusinessCalendar, from: Instant, to: Instant, pauses: readonly Pause[] = []): number {
  const compiled = compile(calendar);
  const a = toMs(from, 'from');
  const b = toMs(to, 'to');
  if (b <= a) return 0;
  const stops = normalisePauses(pauses);
  let total = 0;
  const lastDay = localDayNumber(compiled, b);
  for (let day = localDayNumber(compiled, a) - 1; day <= lastDay; day++) {
    for (const [openFrom, openTo] of openIntervalsOfDay(compiled, day)) {
      for (const [s, e] of subtract(Math.max(openFrom, a), Math.min(openTo, b), stops)) total += e - s;
    }
  }
  return total / MINUTE;
}

/** Whether the calendar is open at an instant (pauses aside). */
export function isOpenAt(calendar: BusinessCalendar, at: Instant): boolean {
  const compiled = compile(calendar);
  const t = toMs(at, 'at');
  const day = localDayNumber(compiled, t);
  return [day - 1, day].some((d) => openIntervalsOfDay(compiled, d).some(([s, e]) => s <= t && t < e));
}

/** Checks a calendar (time zone known to the runtime, well-formed hours and holidays, open at least once a week). */
export function validateCalendar(calendar: BusinessCalendar): void {
  compile(calendar);
}

/**
 * The UTC instant of a local wall-clock time in a zone. A time skipped by a DST change (spring forward)
 * maps to the same offset as just before the change, i.e. later by the gap (01:30 in a 01:00→02:00 gap
 * becomes 02:30); a repeated time (fall back) maps to its first occurrence. Same rules as Temporal's
 * `disambiguation: 'compatible'`.
 */
export function zonedTimeToUtc(timeZone: string, local: { year: number; month: number; day: number; minutes: number }): Date {
  const wall = Date.UTC(local.year, local.month - 1, local.day) + local.minutes * MINUTE;
  return new Date(wallToUtc(formatterFor(timeZone), wall));
}

/** The local date (`YYYY-MM-DD`) of an instant in a zone. */
export function localDateOf(timeZone: string, at: Instant): string {
  const wall = wallClockMs(formatterFor(timeZone), toMs(at, 'at'));
  return new Date(wall).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------

type Compiled = {
  formatter: Intl.DateTimeFormat;
  /** Per JS weekday (0 = Sunday), merged local intervals in minutes from midnight. */
  hours: [number, number][][];
  holidays: ReadonlySet<string>;
};

const compiledCache = new WeakMap<BusinessCalendar, Compiled>();
const formatters = new Map<string, Intl.DateTimeFormat>();
const HHMM = /^([01]\d|2[0-4]):([0-5]\d)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function compile(calendar: BusinessCalendar): Compiled {
  const cached = compiledCache.get(calendar);
  if (cached) return cached;
  const formatter = formatterFor(calendar.timeZone);
  const hours: [number, number][][] = [[], [], [], [], [], [], []];
  for (const [name, intervals] of Object.entries(calendar.weeklyHours ?? {})) {
    const index = WEEKDAYS.indexOf(name as Weekday);
    if (index < 0) throw new SlaClockError('INVALID_CALENDAR', `unknown weekday '${name}' (use ${WEEKDAYS.join(', ')})`);
    const parsed = (intervals ?? []).map((i) => {
      const start = parseHhmm(i.start);
      const end = parseHhmm(i.end);
      if (start >= end) throw new SlaClockError('INVALID_CALENDAR', `${name} ${i.start}–${i.end}: the end must be after the start`);
      return [start, end] as [number, number];
    });
    hours[(index + 1) % 7] = mergeIntervals(parsed);
  }
  if (hours.every((day) => day.length === 0)) throw new SlaClockError('INVALID_CALENDAR', 'the calendar is never open');
  for (const holiday of calendar.holidays ?? []) {
    const ms = DATE.test(holiday) ? Date.parse(`${holiday}T00:00:00Z`) : NaN;
    if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== holiday) {
      throw new SlaClockError('INVALID_CALENDAR', `holiday '${holiday}' is not a date (YYYY-MM-DD)`);
    }
  }
  const result: Compiled = { formatter, hours, holidays: new Set(calendar.holidays ?? []) };
  compiledCache.set(calendar, result);
  return result;
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new SlaClockError('INVALID_CALENDAR', `unknown time zone '${timeZone}'`);
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function parseHhmm(value: string): number {
  const m = HHMM.exec(value);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || minutes > 1440) throw new SlaClockError('INVALID_CALENDAR', `'${value}' is not a time of day (HH:MM, 00:00–24:00)`);
  return minutes;
}

function mergeIntervals(intervals: [number, number][]): [number, number][] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out.at(-1);
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

function toMs(value: Instant, name: string): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) throw new SlaClockError('INVALID_INSTANT', `${name} is not a valid instant: ${String(value)}`);
  return ms;
}

/** Sorted, merged `[from, to)` pauses in ms; an open pause runs to Infinity. */
function normalisePauses(pauses: readonly Pause[]): [number, number][] {
  const ranges = pauses
    .map((p): [number, number] => [toMs(p.from, 'pause.from'), p.to === undefined ? Infinity : toMs(p.to, 'pause.to')])
    .filter(([from, to]) => to > from);
  return mergeIntervals(ranges);
}

/** `[from, to)` minus the pauses, as the pieces that remain (in order). */
function subtract(from: number, to: number, stops: readonly [number, number][]): [number, number][] {
  if (to <= from) return [];
  const out: [number, number][] = [];
  let cursor = from;
  for (const [s, e] of stops) {
    if (e <= cursor) continue;
    if (s >= to) break;
    if (s > cursor) out.push([cursor, s]);
    cursor = Math.max(cursor, e);
    if (cursor >= to) return out;
  }
  out.push([cursor, to]);
  return out;
}

/** The wall-clock time of an instant in the formatter's zone, as if it were UTC (ms). */
function wallClockMs(formatter: Intl.DateTimeFormat, ms: number): number {
  const p: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(ms))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  // era-less en-US years are positive for any date this clock handles
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) + (((ms % 1000) + 1000) % 1000);
}

function offsetAt(formatter: Intl.DateTimeFormat, ms: number): number {
  return wallClockMs(formatter, ms) - ms;
}

/** See `zonedTimeToUtc`: the offsets a day before and after bracket any single DST change. */
function wallToUtc(formatter: Intl.DateTimeFormat, wall: number): number {
  const before = offsetAt(formatter, wall - DAY);
  const after = offsetAt(formatter, wall + DAY);
  const candidates = [...new Set([before, after])].map((o) => wall - o).filter((t) => wallClockMs(formatter, t) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - before; // in a gap: keep the offset in force before the change, i.e. move later by the gap
}

/** Days since 1970-01-01 of the local date of an instant. */
function localDayNumber(compiled: Compiled, ms: number): number {
  return Math.floor(wallClockMs(compiled.formatter, ms) / DAY);
}

function dayStartMs(compiled: Compiled, day: number): number {
  return wallToUtc(compiled.formatter, day * DAY);
}

/** The open intervals of one local day (days since epoch) as UTC ms; none on holidays. */
function openIntervalsOfDay(compiled: Compiled, day: number): [number, number][] {
  const date = new Date(day * DAY);
  const intervals = compiled.hours[date.getUTCDay()]!;
  if (intervals.length === 0 || compiled.holidays.has(date.toISOString().slice(0, 10))) return [];
  return intervals
    .map(([s, e]): [number, number] => [wallToUtc(compiled.formatter, day * DAY + s * MINUTE), wallToUtc(compiled.formatter, day * DAY + e * MINUTE)])
    .filter(([s, e]) => e > s);
}
