import {
  ALWAYS_OPEN,
  businessDueAt,
  businessMinutesBetween,
  isOpenAt,
  localDateOf,
  validateCalendar,
  zonedTimeToUtc,
  type BusinessCalendar,
  type OpeningInterval,
} from './sla-clock';

const nineToSix: OpeningInterval[] = [{ start: '09:00', end: '18:00' }];
const weekdays = (hours: OpeningInterval[]) => ({ mon: hours, tue: hours, wed: hours, thu: hours, fri: hours });

/** A Lisbon hotel's guest-relations desk: 09:00–18:00 Monday to Friday; 8 December is a holiday. */
const lisbon: BusinessCalendar = { timeZone: 'Europe/Lisbon', weeklyHours: weekdays(nineToSix), holidays: ['2026-12-08'] };
const due = (calendar: BusinessCalendar, start: string, minutes: number, pauses: { from: string; to?: string }[] = []) =>
  businessDueAt(calendar, start, minutes, pauses)?.toISOString() ?? null;

describe('SLA business-hours clock', () => {
  describe('within opening hours', () => {
    it('adds business minutes on the same day', () => {
      // Mon 2 March 2026, Lisbon is on UTC+0 in winter
      expect(due(lisbon, '2026-03-02T10:15:00Z', 90)).toBe('2026-03-02T11:45:00.000Z');
    });

    it('counts from the opening when the ticket arrives before it, and from the next opening after closing', () => {
      expect(due(lisbon, '2026-03-02T07:00:00Z', 30)).toBe('2026-03-02T09:30:00.000Z');
      expect(due(lisbon, '2026-03-02T19:30:00Z', 30)).toBe('2026-03-03T09:30:00.000Z');
    });

    it('is due at closing time when the target ends exactly then, not at the next opening', () => {
      expect(due(lisbon, '2026-03-02T14:00:00Z', 240)).toBe('2026-03-02T18:00:00.000Z');
    });

    it('is due at once for a zero-minute target', () => {
      expect(due(lisbon, '2026-03-07T12:00:00Z', 0)).toBe('2026-03-07T12:00:00.000Z');
    });

    it('skips the break between several intervals of one day', () => {
      const splitShift: BusinessCalendar = {
        timeZone: 'Europe/Lisbon',
        weeklyHours: weekdays([{ start: '14:00', end: '18:00' }, { start: '09:00', end: '13:00' }]),
      };
      expect(due(splitShift, '2026-03-02T12:00:00Z', 120)).toBe('2026-03-02T15:00:00.000Z');
      expect(businessMinutesBetween(splitShift, '2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z')).toBe(480);
    });

    it('merges overlapping intervals instead of counting them twice', () => {
      const overlapping: BusinessCalendar = { timeZone: 'UTC', weeklyHours: { mon: [{ start: '09:00', end: '13:00' }, { start: '12:00', end: '14:00' }] } };
      expect(businessMinutesBetween(overlapping, '2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z')).toBe(300);
    });
  });

  describe('across closed days', () => {
    it('carries a Friday afternoon target over the weekend to Monday', () => {
      // Fri 6 March 16:00 + 4 business hours: 2 h on Friday, 2 h on Monday
      expect(due(lisbon, '2026-03-06T16:00:00Z', 240)).toBe('2026-03-09T11:00:00.000Z');
      expect(businessMinutesBetween(lisbon, '2026-03-06T16:00:00Z', '2026-03-09T11:00:00Z')).toBe(240);
    });

    it('treats a ticket opened on Saturday as starting on Monday morning', () => {
      expect(due(lisbon, '2026-03-07T10:00:00Z', 10)).toBe('2026-03-09T09:10:00.000Z');
    });

    it('skips a holiday (Tuesday 8 December 2026)', () => {
      // Mon 7 Dec 16:00 + 4 h: 2 h on Monday, holiday on Tuesday, 2 h on Wednesday
      expect(due(lisbon, '2026-12-07T16:00:00Z', 240)).toBe('2026-12-09T11:00:00.000Z');
      expect(businessMinutesBetween(lisbon, '2026-12-07T00:00:00Z', '2026-12-10T00:00:00Z')).toBe(2 * 540);
      expect(isOpenAt(lisbon, '2026-12-08T10:00:00Z')).toBe(false);
      expect(isOpenAt(lisbon, '2026-12-09T10:00:00Z')).toBe(true);
    });

    it('spans several working days for a long target', () => {
      // 30 business hours from Mon 09:00: 9 h Mon + 9 h Tue + 9 h Wed + 3 h Thu
      expect(due(lisbon, '2026-03-02T09:00:00Z', 30 * 60)).toBe('2026-03-05T12:00:00.000Z');
      // 3 weeks of 45 h each, across three weekends
      expect(due(lisbon, '2026-03-02T09:00:00Z', 3 * 45 * 60)).toBe('2026-03-20T18:00:00.000Z');
    });

    it('gives up with TARGET_UNREACHABLE when the calendar never has enough open time', () => {
      const mondays: string[] = [];
      for (let t = Date.parse('2026-03-02T00:00:00Z'); t < Date.parse('2029-01-01T00:00:00Z'); t += 7 * 86_400_000) {
        mondays.push(new Date(t).toISOString().slice(0, 10));
      }
      const mondaysOnlyAllHolidays: BusinessCalendar = { timeZone: 'UTC', weeklyHours: { mon: nineToSix }, holidays: mondays };
      expect(() => businessDueAt(mondaysOnlyAllHolidays, '2026-03-01T00:00:00Z', 60)).toThrow(expect.objectContaining({ code: 'TARGET_UNREACHABLE' }));
    });
  });

  describe('daylight-saving changes (Europe/Lisbon)', () => {
    it('keeps opening hours on local time: 09:00 is 09:00Z before and 08:00Z after the spring change', () => {
      // Fri 27 March 17:00 WET + 2 h: 1 h on Friday, then Mon 30 March opens at 09:00 WEST = 08:00Z
      expect(due(lisbon, '2026-03-27T17:00:00Z', 120)).toBe('2026-03-30T09:00:00.000Z');
      // and back in October: Fri 23 Oct 17:00 WEST (16:00Z) + 2 h: 1 h on Friday, then Mon 26 Oct 09:00 WET = 09:00Z
      expect(due(lisbon, '2026-10-23T16:00:00Z', 120)).toBe('2026-10-26T10:00:00.000Z');
    });

    it('counts the real length of a day with the change: 23 hours on 29 March, 25 hours on 25 October', () => {
      const frontDesk: BusinessCalendar = { timeZone: 'Europe/Lisbon', weeklyHours: { sun: [{ start: '00:00', end: '24:00' }] } };
      expect(businessMinutesBetween(frontDesk, '2026-03-28T00:00:00Z', '2026-03-30T00:00:00Z')).toBe(23 * 60);
      expect(businessMinutesBetween(frontDesk, '2026-10-24T00:00:00Z', '2026-10-26T00:00:00Z')).toBe(25 * 60);
      // 23 h of Sunday are used; the remaining hour is the first of the next Sunday (00:00–01:00 WEST = 23:00Z–00:00Z)
      expect(due(frontDesk, '2026-03-28T12:00:00Z', 24 * 60)).toBe('2026-04-05T00:00:00.000Z');
    });

    it('measures an interval that contains the skipped hour by the clock on the wall', () => {
      // Sunday 00:00–06:00 local is only 5 real hours on the spring-forward night
      const night: BusinessCalendar = { timeZone: 'Europe/Lisbon', weeklyHours: { sun: [{ start: '00:00', end: '06:00' }] } };
      expect(businessMinutesBetween(night, '2026-03-29T00:00:00Z', '2026-03-29T12:00:00Z')).toBe(300);
      // …and 7 on the fall-back night: 00:00 WEST (Sat 23:00Z) to 06:00 WET (06:00Z)
      expect(businessMinutesBetween(night, '2026-10-24T12:00:00Z', '2026-10-25T12:00:00Z')).toBe(420);
      expect(due(night, '2026-03-28T22:00:00Z', 180)).toBe('2026-03-29T03:00:00.000Z');
    });

    it('converts local times in the gap and in the repeated hour like Temporal "compatible"', () => {
      expect(zonedTimeToUtc('Europe/Lisbon', { year: 2026, month: 3, day: 29, minutes: 90 }).toISOString()).toBe('2026-03-29T01:30:00.000Z'); // 02:30 WEST
      expect(zonedTimeToUtc('Europe/Lisbon', { year: 2026, month: 10, day: 25, minutes: 90 }).toISOString()).toBe('2026-10-25T00:30:00.000Z'); // first 01:30
      expect(zonedTimeToUtc('Europe/Lisbon', { year: 2026, month: 7, day: 1, minutes: 9 * 60 }).toISOString()).toBe('2026-07-01T08:00:00.000Z');
    });

    it('keeps calendar-time targets in real minutes across the change', () => {
      expect(due(ALWAYS_OPEN, '2026-03-28T23:30:00Z', 240)).toBe('2026-03-29T03:30:00.000Z');
    });

    it('handles a southern-hemisphere change (Australia/Sydney leaves DST on 5 April 2026)', () => {
      const sydney: BusinessCalendar = { timeZone: 'Australia/Sydney', weeklyHours: weekdays(nineToSix) };
      // Fri 3 April 17:00 AEDT (06:00Z) + 2 h → Mon 6 April 10:00 AEST (00:00Z)
      expect(due(sydney, '2026-04-03T06:00:00Z', 120)).toBe('2026-04-06T00:00:00.000Z');
    });
  });

  describe('time zones far from UTC', () => {
    it('works in Pacific/Auckland (UTC+13 in January), where the local day starts the previous UTC day', () => {
      const auckland: BusinessCalendar = { timeZone: 'Pacific/Auckland', weeklyHours: weekdays([{ start: '08:00', end: '17:00' }]) };
      // Sunday 11 Jan 20:00Z is Monday 12 Jan 09:00 NZDT
      expect(due(auckland, '2026-01-11T20:00:00Z', 120)).toBe('2026-01-11T22:00:00.000Z');
      // Fri 16 Jan 16:00 NZDT (03:00Z) + 2 h → Mon 19 Jan 09:00 NZDT (Sun 18 Jan 20:00Z)
      expect(due(auckland, '2026-01-16T03:00:00Z', 120)).toBe('2026-01-18T20:00:00.000Z');
      expect(localDateOf('Pacific/Auckland', '2026-01-11T20:00:00Z')).toBe('2026-01-12');
    });

    it('works with a half-hour offset (Asia/Kolkata, UTC+5:30)', () => {
      const mumbai: BusinessCalendar = { timeZone: 'Asia/Kolkata', weeklyHours: weekdays([{ start: '09:30', end: '18:00' }]) };
      expect(due(mumbai, '2026-03-02T03:00:00Z', 60)).toBe('2026-03-02T05:00:00.000Z'); // 08:30 IST → opens 09:30 → 10:30 IST
    });

    it('works west of UTC (America/Los_Angeles), where the local day ends the next UTC day', () => {
      const la: BusinessCalendar = { timeZone: 'America/Los_Angeles', weeklyHours: weekdays(nineToSix) };
      // Fri 6 March 17:30 PST (Sat 01:30Z) + 60 min: 30 min on Friday, 30 on Monday 9 March (DST starts 8 March: PDT, UTC-7)
      expect(due(la, '2026-03-07T01:30:00Z', 60)).toBe('2026-03-09T16:30:00.000Z');
    });

    it('uses the local date for holidays (a holiday in Kiritimati, UTC+14)', () => {
      const kiritimati: BusinessCalendar = { timeZone: 'Pacific/Kiritimati', weeklyHours: weekdays(nineToSix), holidays: ['2026-03-03'] };
      // Mon 2 March 17:00 local is 03:00Z; 2 h → 1 h Monday, Tuesday holiday, Wed 4 March 10:00 local = Tue 3 March 20:00Z
      expect(due(kiritimati, '2026-03-02T03:00:00Z', 120)).toBe('2026-03-03T20:00:00.000Z');
    });
  });

  describe('pauses (waiting on guest)', () => {
    it('moves the due time by the business time spent paused', () => {
      const pauses = [{ from: '2026-03-02T10:00:00Z', to: '2026-03-02T11:30:00Z' }];
      expect(due(lisbon, '2026-03-02T09:00:00Z', 240, pauses)).toBe('2026-03-02T14:30:00.000Z');
      expect(businessMinutesBetween(lisbon, '2026-03-02T09:00:00Z', '2026-03-02T14:30:00Z', pauses)).toBe(240);
    });

    it('ignores the closed part of a pause (it only removes open time)', () => {
      // paused from Fri 17:00 to Mon 10:00: removes 1 h on Friday and 1 h on Monday
      const pauses = [{ from: '2026-03-06T17:00:00Z', to: '2026-03-09T10:00:00Z' }];
      expect(businessMinutesBetween(lisbon, '2026-03-06T09:00:00Z', '2026-03-09T18:00:00Z', pauses)).toBe(18 * 60 - 120);
      expect(due(lisbon, '2026-03-06T16:00:00Z', 120, pauses)).toBe('2026-03-09T11:00:00.000Z');
    });

    it('handles several pauses, overlapping and unordered', () => {
      const pauses = [
        { from: '2026-03-02T15:00:00Z', to: '2026-03-02T16:00:00Z' },
        { from: '2026-03-02T10:00:00Z', to: '2026-03-02T11:00:00Z' },
        { from: '2026-03-02T10:30:00Z', to: '2026-03-02T11:30:00Z' },
      ];
      expect(businessMinutesBetween(lisbon, '2026-03-02T09:00:00Z', '2026-03-02T18:00:00Z', pauses)).toBe(540 - 90 - 60);
      expect(due(lisbon, '2026-03-02T09:00:00Z', 360, pauses)).toBe('2026-03-02T17:30:00.000Z');
    });

    it('stops the clock while a pause has no end: no due time until it resumes', () => {
      expect(due(lisbon, '2026-03-02T09:00:00Z', 240, [{ from: '2026-03-02T10:00:00Z' }])).toBeNull();
      // a target reached before the pause began is still due
      expect(due(lisbon, '2026-03-02T09:00:00Z', 30, [{ from: '2026-03-02T10:00:00Z' }])).toBe('2026-03-02T09:30:00.000Z');
      expect(businessMinutesBetween(lisbon, '2026-03-02T09:00:00Z', '2026-03-05T12:00:00Z', [{ from: '2026-03-02T10:00:00Z' }])).toBe(60);
    });

    it('resumes counting where it stopped, across days', () => {
      // 4 h target from Mon 16:00: 1 h Monday until the pause at 17:00, resumed Tue 11:00 → 3 h more
      const pauses = [{ from: '2026-03-02T17:00:00Z', to: '2026-03-03T11:00:00Z' }];
      expect(due(lisbon, '2026-03-02T16:00:00Z', 240, pauses)).toBe('2026-03-03T14:00:00.000Z');
    });
  });

  describe('elapsed business time', () => {
    it('is zero when the end is not after the start, or entirely outside opening hours', () => {
      expect(businessMinutesBetween(lisbon, '2026-03-02T12:00:00Z', '2026-03-02T12:00:00Z')).toBe(0);
      expect(businessMinutesBetween(lisbon, '2026-03-02T12:00:00Z', '2026-03-02T10:00:00Z')).toBe(0);
      expect(businessMinutesBetween(lisbon, '2026-03-07T00:00:00Z', '2026-03-09T00:00:00Z')).toBe(0);
    });

    it('counts fractions of minutes', () => {
      expect(businessMinutesBetween(lisbon, '2026-03-02T10:00:00Z', '2026-03-02T10:00:30Z')).toBe(0.5);
    });

    it('matches the due time for a target over a holiday and a weekend', () => {
      const start = '2026-12-04T15:00:00Z'; // Friday before the 8 December holiday
      const dueAt = businessDueAt(lisbon, start, 1000)!;
      expect(businessMinutesBetween(lisbon, start, dueAt)).toBe(1000);
      // 180 min on Friday + 540 on Monday, holiday on Tuesday, 280 on Wednesday
      expect(dueAt.toISOString()).toBe('2026-12-09T13:40:00.000Z');
    });
  });

  describe('calendar validation', () => {
    it.each([
      ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons', weeklyHours: weekdays(nineToSix) }],
      ['an end before the start', { timeZone: 'UTC', weeklyHours: { mon: [{ start: '18:00', end: '09:00' }] } }],
      ['a malformed time', { timeZone: 'UTC', weeklyHours: { mon: [{ start: '9am', end: '18:00' }] } }],
      ['a time after 24:00', { timeZone: 'UTC', weeklyHours: { mon: [{ start: '09:00', end: '24:30' }] } }],
      ['an unknown weekday', { timeZone: 'UTC', weeklyHours: { monday: nineToSix } as BusinessCalendar['weeklyHours'] }],
      ['no opening hours at all', { timeZone: 'UTC', weeklyHours: { mon: [] } }],
      ['an impossible holiday', { timeZone: 'UTC', weeklyHours: weekdays(nineToSix), holidays: ['2026-02-30'] }],
    ])('refuses %s', (_name, calendar) => {
      expect(() => validateCalendar(calendar)).toThrow(expect.objectContaining({ code: 'INVALID_CALENDAR' }));
    });

    it('refuses a negative target and an invalid instant', () => {
      expect(() => businessDueAt(lisbon, '2026-03-02T09:00:00Z', -1)).toThrow(expect.objectContaining({ code: 'INVALID_TARGET' }));
      expect(() => businessDueAt(lisbon, 'yesterday', 10)).toThrow(expect.objectContaining({ code: 'INVALID_INSTANT' }));
    });

    it('accepts a 24/7 calendar', () => {
      expect(() => validateCalendar(ALWAYS_OPEN)).not.toThrow();
      expect(businessMinutesBetween(ALWAYS_OPEN, '2026-03-01T00:00:00Z', '2026-03-08T00:00:00Z')).toBe(7 * 24 * 60);
    });
  });
});
