import request from 'supertest';
import { DEFAULT_TICKET_SETTINGS } from '../../domain/settings.policy';
import { as, complaintBody, OTHER_TENANT, TENANT, TEST_SETTINGS, ticketsTestApp, type TicketsTestApp } from '../testing/tickets.test-helper';

describe('ticket settings routes', () => {
  let t: TicketsTestApp;
  beforeEach(async () => {
    t = await ticketsTestApp();
    t.profile.addGuest(TENANT, 'g-1');
  });
  afterEach(() => expect(t.logged).toEqual([]));

  const put = async (body: unknown, auth?: Record<string, string>, headers: Record<string, string> = {}) =>
    request(t.app).put('/v1/ticket-settings').set(auth ?? (await as.admin())).set(headers).send(body as object);

  it('gives a tenant that never saved settings the defaults, without ETag', async () => {
    const res = await request(t.app).get('/v1/ticket-settings').set(await as.otherTenantAdmin());
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBeUndefined();
    expect(res.body).toEqual({ settings: JSON.parse(JSON.stringify(DEFAULT_TICKET_SETTINGS)), configured: false, updatedAt: null, updatedBy: null, version: -1 });
  });

  it('tickets work out of the box with the defaults', async () => {
    t.profile.addGuest(OTHER_TENANT, 'g-1');
    const res = await request(t.app).post('/v1/tickets').set(await as.otherTenantAdmin()).send(complaintBody({ queueId: undefined, category: 'billing' }));
    expect(res.status).toBe(201);
    // the default calendar (every day 08:00–20:00 in the property's zone): 30 and 240 business minutes from Monday 10:00
    expect(res.body.ticket).toMatchObject({ queueId: 'guest-services', sla: { 'first-response': { dueAt: '2026-03-02T10:30:00.000Z' }, resolution: { dueAt: '2026-03-02T14:00:00.000Z' } } });
  });

  it('shows the tenant its settings (agents may read them) with the ETag', async () => {
    const res = await request(t.app).get('/v1/ticket-settings').set(await as.hotelsAgent());
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"0"');
    expect(res.body).toMatchObject({ configured: true, version: 0, updatedBy: 'service:service-tickets', settings: { defaultQueueId: 'front-office' } });
  });

  it('replaces the settings (If-Match optional), changes nothing on a repeat, and 412 on a stale version', async () => {
    const next = { ...TEST_SETTINGS, reopenWindowHours: 24, categories: [...TEST_SETTINGS.categories, { code: 'spa', name: 'Spa' }] };
    const saved = await put(next, await as.manager(), { 'If-Match': '"0"' });
    expect(saved.status).toBe(200);
    expect(saved.headers.etag).toBe('"1"');
    expect(saved.body).toMatchObject({ configured: true, version: 1, updatedBy: 'manager-maria', settings: { reopenWindowHours: 24 } });
    expect((await put(next)).body.version).toBe(1);
    const stale = await put({ ...next, reopenWindowHours: 12 }, undefined, { 'If-Match': '"0"' });
    expect(stale.status).toBe(412);
    // the new category is usable at once
    const opened = await request(t.app).post('/v1/tickets').set(await as.hotelsAgent()).send(complaintBody({ category: 'spa' }));
    expect(opened.status).toBe(201);
  });

  it('answers 422 with the offending field for settings that cannot be used', async () => {
    const badCalendar = await put({ ...TEST_SETTINGS, calendars: [{ propertyId: 'lisbon-1', timeZone: 'Mars/Olympus', weeklyHours: { mon: [{ start: '09:00', end: '17:00' }] } }] });
    expect(badCalendar.status).toBe(422);
    expect(badCalendar.body).toMatchObject({ code: 'INVALID_CALENDAR', errors: [{ path: 'body.calendars.0', code: 'INVALID_CALENDAR' }] });
    const duplicatePolicy = await put({ ...TEST_SETTINGS, slaPolicies: [...TEST_SETTINGS.slaPolicies, { policyId: 'again', match: {}, firstResponseMinutes: 5, mode: 'calendar' }] });
    expect(duplicatePolicy.body).toMatchObject({ status: 422, code: 'DUPLICATE_SLA_POLICY', errors: [{ path: 'body.slaPolicies' }] });
    const noDefaultQueue = await put({ ...TEST_SETTINGS, defaultQueueId: 'spa' });
    expect(noDefaultQueue.body).toMatchObject({ status: 422, code: 'INVALID_TICKET_SETTINGS', errors: [{ path: 'body.defaultQueueId' }] });
  });

  it('answers 400 with field errors for a malformed document', async () => {
    const res = await put({ ...TEST_SETTINGS, reopenWindowHours: -3, escalation: { raisePriority: 'yes' }, calendars: [{ propertyId: 'p', weeklyHours: { monday: [] } }] });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(['body.reopenWindowHours', 'body.escalation.raisePriority', 'body.escalation.reassignToManager']),
    );
  });

  it('lets only admins and managers change settings; staff read them', async () => {
    expect((await put(TEST_SETTINGS, await as.hotelsAgent())).status).toBe(403);
    expect((await request(t.app).get('/v1/ticket-settings').set(await as.marketer())).status).toBe(403);
    expect((await request(t.app).get('/v1/ticket-settings')).status).toBe(401);
  });
});
