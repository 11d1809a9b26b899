import request from 'supertest';
import { as, complaintBody, OTHER_TENANT, T0, TENANT, ticketsTestApp, type TicketsTestApp } from '../testing/tickets.test-helper';

type Auth = Record<string, string>;

describe('ticket routes', () => {
  let t: TicketsTestApp;
  beforeEach(async () => {
    t = await ticketsTestApp();
    t.profile.addGuest(TENANT, 'g-1', { identifiers: [{ type: 'email', value: 'ana@example.com' }] });
  });
  afterEach(() => expect(t.logged).toEqual([]));

  const open = async (body: Record<string, unknown> = complaintBody(), auth?: Auth, headers: Record<string, string> = {}) =>
    request(t.app).post('/v1/tickets').set(auth ?? (await as.hotelsAgent())).set(headers).send(body);
  const opened = async (body?: Record<string, unknown>, auth?: Auth) => {
    const res = await open(body, auth);
    expect(res.status).toBe(201);
    return res.body.ticket as { ticketId: string; version: number };
  };
  const verb = async (ticketId: string, path: string, body?: unknown, auth?: Auth, headers: Record<string, string> = {}) => {
    const req = request(t.app).post(`/v1/tickets/${ticketId}/${path}`).set(auth ?? (await as.hotelsAgent())).set(headers);
    return body === undefined ? req : req.send(body as object);
  };
  const get = async (ticketId: string, auth?: Auth, headers: Record<string, string> = {}) => request(t.app).get(`/v1/tickets/${ticketId}`).set(auth ?? (await as.hotelsAgent())).set(headers);

  describe('POST /v1/tickets', () => {
    it('opens a complaint with SLA targets on the property calendar: 201, Location, ETag, the ticket', async () => {
      const res = await open();
      expect(res.status).toBe(201);
      expect(res.headers.location).toBe('/v1/tickets/id-1');
      expect(res.headers.etag).toBe('"1"');
      expect(res.body.guestResolution).toBe('id');
      expect(res.body.ticket).toMatchObject({
        ticketId: 'id-1',
        brandId: 'hotels',
        propertyId: 'lisbon-1',
        guestId: 'g-1',
        kind: 'complaint',
        channel: 'phone',
        priority: 'high',
        status: 'open',
        queueId: 'front-office',
        category: 'room',
        subject: 'Noise from room 214 all night',
        description: 'The guest in 215 could not sleep',
        openedAt: new Date(T0).toISOString(),
        openedBy: 'agent-ana',
        complaint: { complaintType: 'noise', severity: 'high', details: null },
        // Lisbon, Monday 10:00 (open 09:00–17:00): 30 business minutes, then 4 business hours
        sla: {
          'first-response': { policyId: 'complaint', mode: 'business-hours', minutes: 30, dueAt: '2026-03-02T10:30:00.000Z', breachedAt: null, metAt: null },
          resolution: { policyId: 'complaint', mode: 'business-hours', minutes: 240, dueAt: '2026-03-02T14:00:00.000Z', breachedAt: null, metAt: null },
        },
        history: [
          { type: 'TicketOpened', at: new Date(T0).toISOString(), by: 'agent-ana' },
          { type: 'ComplaintRecorded', at: new Date(T0).toISOString(), by: 'agent-ana' },
        ],
        version: 1,
      });
    });

    it('keeps the personal text encrypted in the store', async () => {
      await opened();
      const [stored] = await t.inner.readStream('ticket-id-1');
      expect(JSON.stringify(stored!.data)).not.toContain('Noise from room 214');
      expect(stored!.data).toMatchObject({ subject: { $pii: 1, s: 'g-1' } });
    });

    it('counts SLA targets from receivedAt, and an e-mail into the default queue without property on the default calendar', async () => {
      const res = await open({ brandId: 'bistro', kind: 'inquiry', channel: 'email', subject: 'Do you have vegan options?', receivedAt: new Date(T0 - 30 * 60_000).toISOString() }, await as.bistroAgent());
      expect(res.status).toBe(201);
      expect(res.body.ticket).toMatchObject({ queueId: 'front-office', guestId: null, priority: 'normal', openedAt: '2026-03-02T09:30:00.000Z' });
      expect(res.body.ticket.sla['first-response']).toMatchObject({ policyId: 'email', mode: 'calendar', dueAt: '2026-03-02T13:30:00.000Z' });
      expect(res.body.guestResolution).toBe('none');
    });

    it('resolves the guest by identifiers through customer-profile: matched, or created', async () => {
      const matched = await open(complaintBody({ guestId: undefined, identifiers: [{ type: 'email', value: 'ANA@example.com' }] }));
      expect(matched.status).toBe(201);
      expect(matched.body).toMatchObject({ guestResolution: 'matched', ticket: { guestId: 'g-1' } });
      expect(t.profile.calls.resolve.at(-1)).toMatchObject({ tenantId: TENANT, actor: 'service:service-tickets', brandId: 'hotels', channel: 'phone' });
      const created = await open(complaintBody({ guestId: undefined, identifiers: [{ type: 'phone', value: '+351912000000' }] }));
      expect(created.body).toMatchObject({ guestResolution: 'created', ticket: { guestId: 'g-new-1' } });
    });

    it('answers 422 AMBIGUOUS_GUEST with the candidates when identifiers match several guests', async () => {
      t.profile.addGuest(TENANT, 'g-2', { identifiers: [{ type: 'email', value: 'ana@example.com' }] });
      const res = await open(complaintBody({ guestId: undefined, identifiers: [{ type: 'email', value: 'ana@example.com' }] }));
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'AMBIGUOUS_GUEST', proposalId: 'proposal-1', candidates: [{ guestId: 'g-1' }, { guestId: 'g-2' }] });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('files a merged guest under the survivor; refuses unknown and erased guests (422)', async () => {
      t.profile.addGuest(TENANT, 'g-old', { status: 'merged', survivorId: 'g-1' });
      t.profile.addGuest(TENANT, 'g-gone', { status: 'erased' });
      expect((await open(complaintBody({ guestId: 'g-old' }))).body.ticket.guestId).toBe('g-1');
      const unknown = await open(complaintBody({ guestId: 'g-nobody' }));
      expect(unknown.status).toBe(422);
      expect(unknown.body).toMatchObject({ code: 'UNKNOWN_GUEST', errors: [{ path: 'body.guestId', code: 'UNKNOWN_GUEST' }] });
      expect((await open(complaintBody({ guestId: 'g-gone' }))).body.code).toBe('GUEST_ERASED');
    });

    it.each([
      ['an unknown category', { category: 'spaceship' }, 'UNKNOWN_CATEGORY', 'body.category'],
      ['an unknown queue', { queueId: 'kitchen' }, 'UNKNOWN_QUEUE', 'body.queueId'],
      ['a queue of another brand', { brandId: 'bistro', propertyId: undefined, queueId: 'spa' }, 'QUEUE_NOT_FOR_BRAND', 'body.queueId'],
      ['a property of another brand', { propertyId: 'porto-1' }, 'UNKNOWN_PROPERTY', 'body.propertyId'],
      ['receivedAt in the future', { receivedAt: new Date(T0 + 3_600_000).toISOString() }, 'INVALID_RECEIVED_AT', 'body.receivedAt'],
    ])('refuses %s: 422 with the field', async (_name, overrides, code, path) => {
      const res = await open(complaintBody(overrides), await as.manager());
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ status: 422, code, errors: [{ path, code }] });
    });

    it('refuses complaint details on an inquiry (422 INVALID_TICKET) and a brand unknown to the tenant (422)', async () => {
      expect((await open(complaintBody({ kind: 'inquiry' }))).body).toMatchObject({ status: 422, code: 'INVALID_TICKET' });
      const admin = await as.admin();
      expect((await open(complaintBody({ brandId: 'cruises', propertyId: undefined }), admin)).body).toMatchObject({ status: 422, code: 'UNKNOWN_BRAND' });
    });

    it('answers 400 with field errors for malformed input', async () => {
      const res = await open({ brandId: 'hotels', kind: 'praise', channel: 'fax', subject: '', priority: 'p1', extra: true });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.channel', 'body.extra', 'body.kind', 'body.priority', 'body.subject']);
      const both = await open(complaintBody({ identifiers: [{ type: 'email', value: 'ana@example.com' }] }));
      expect(both.body.errors).toEqual([expect.objectContaining({ path: 'body.identifiers' })]);
    });

    it('needs a token (401), a ticket role (403), and a brand the token grants (403)', async () => {
      expect((await request(t.app).post('/v1/tickets').send(complaintBody())).status).toBe(401);
      const marketer = await open(complaintBody(), await as.marketer());
      expect(marketer.status).toBe(403);
      expect(marketer.body.code).toBe('ROLE_REQUIRED');
      const bistro = await open(complaintBody(), await as.bistroAgent());
      expect(bistro.status).toBe(403);
      expect(bistro.body.code).toBe('BRAND_NOT_ALLOWED');
    });

    it('lets an integration open tickets (e.g. the e-mail gateway), recorded as integration:<sub>', async () => {
      const res = await open(complaintBody(), await as.surveyTool());
      expect(res.status).toBe(201);
      expect(res.body.ticket.openedBy).toBe('integration:survey-tool');
    });

    it('honours Idempotency-Key: a retry replays the first answer and opens nothing new', async () => {
      const key = { 'Idempotency-Key': 'call-7781' };
      const first = await open(complaintBody(), undefined, key);
      const again = await open(complaintBody(), undefined, key);
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.ticket.ticketId).toBe(first.body.ticket.ticketId);
      const changed = await open(complaintBody({ subject: 'Something else' }), undefined, key);
      expect(changed.status).toBe(422);
      expect(changed.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect((await t.inner.readAll()).filter((e) => e.type === 'TicketOpened')).toHaveLength(1);
    });

    it('answers 503 with Retry-After when customer-profile does not answer', async () => {
      t.profile.setAvailable(false);
      const res = await open();
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.body.code).toBe('DEPENDENCY_UNAVAILABLE');
      // 5xx are logged on purpose
      expect(t.logged).toHaveLength(1);
      t.logged.length = 0;
    });
  });

  describe('GET /v1/tickets/{ticketId}', () => {
    it('answers the ticket with its ETag', async () => {
      const { ticketId } = await opened();
      const res = await get(ticketId);
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body).toMatchObject({ ticketId, status: 'open', subject: 'Noise from room 214 all night', version: 1 });
    });

    it('shows a ticket to staff of a brand sharing data, hides it from a private brand and other tenants (404)', async () => {
      const { ticketId } = await opened();
      expect((await get(ticketId, await as.bistroAgent())).status).toBe(200);
      const outlet = await get(ticketId, await as.outletAgent());
      expect(outlet.status).toBe(404);
      expect(outlet.body.code).toBe('TICKET_NOT_FOUND');
      expect((await get(ticketId, await as.otherTenantAdmin())).status).toBe(404);
      expect((await get('no-such-ticket')).status).toBe(404);
    });

    it('narrows to the acting brand (X-Brand-Id) and refuses a brand the token does not grant', async () => {
      const { ticketId } = await opened();
      const manager = await as.manager();
      expect((await get(ticketId, manager, { 'X-Brand-Id': 'bistro' })).status).toBe(200);
      const other = await get(ticketId, manager, { 'X-Brand-Id': 'outlet' });
      expect(other.status).toBe(403);
      expect(other.body.code).toBe('BRAND_NOT_ALLOWED');
    });

    it('needs a staff token', async () => {
      const { ticketId } = await opened();
      expect((await request(t.app).get(`/v1/tickets/${ticketId}`)).status).toBe(401);
      expect((await get(ticketId, await as.marketer())).status).toBe(403);
    });
  });

  describe('lifecycle verbs', () => {
    it('works a complaint from open to closed, recording actor and time of every step', async () => {
      const { ticketId } = await opened();
      const steps: [string, unknown, number, Record<string, unknown>][] = [
        ['assign', { assigneeId: 'agent-ana' }, 200, { status: 'assigned', assigneeId: 'agent-ana' }],
        ['start', undefined, 200, { status: 'in-progress' }],
        ['comments', { visibility: 'public', body: 'We are moving you to a quieter room.' }, 201, { firstRespondedAt: new Date(T0 + 3 * 60_000).toISOString() }],
        ['wait-on-guest', undefined, 200, { status: 'waiting-on-guest', slaPaused: true }],
        ['comments', { visibility: 'public', author: 'guest', body: 'Thank you, room 301 is fine.' }, 201, { status: 'in-progress', slaPaused: false }],
        ['recoveries', { action: 'voucher', value: { currency: 'EUR', minor: 5000 }, note: 'Dinner for two' }, 201, { recoveries: [expect.objectContaining({ action: 'voucher', value: { currency: 'EUR', minor: 5000 }, note: 'Dinner for two' })] }],
        ['resolve', { resolutionCode: 'compensated', summary: 'Moved and compensated' }, 200, { status: 'resolved', resolution: { resolutionCode: 'compensated', summary: 'Moved and compensated' } }],
        ['close', undefined, 200, { status: 'closed' }],
      ];
      for (const [path, body, status, expected] of steps) {
        t.advance(1);
        const res = await verb(ticketId, path, body);
        expect({ path, status: res.status }).toEqual({ path, status });
        expect(res.body.ticket).toMatchObject(expected);
        expect(res.body.changed).toBe(true);
        expect(res.headers.etag).toBe(`"${res.body.ticket.version}"`);
      }
      const final = (await get(ticketId)).body;
      expect(final.history.map((h: { type: string }) => h.type)).toEqual([
        'TicketOpened',
        'ComplaintRecorded',
        'TicketAssigned',
        'TicketWorkStarted',
        'TicketCommented',
        'FirstResponseRecorded',
        'TicketWaitingOnGuest',
        'TicketCommented',
        'TicketResumed',
        'RecoveryGiven',
        'TicketResolved',
        'TicketClosed',
      ]);
      expect(final.history.every((h: { by: string }) => h.by === 'agent-ana')).toBe(true);
      expect(final.comments.map((c: { author: string; commentId: string }) => [c.author, c.commentId])).toEqual([
        ['staff', 'id-2'],
        ['guest', 'id-3'],
      ]);
    });

    it('answers 409 ILLEGAL_TRANSITION with the code and the ticket status', async () => {
      const { ticketId } = await opened();
      const res = await verb(ticketId, 'start');
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'ILLEGAL_TRANSITION', ticketStatus: 'open', command: 'StartWork', type: 'urn:hearth:problem:illegal-transition' });
      expect((await verb(ticketId, 'close')).body).toMatchObject({ status: 409, code: 'ILLEGAL_TRANSITION' });
    });

    it('checks If-Match: the current version passes, a stale one is 412 with the current version', async () => {
      const { ticketId, version } = await opened();
      const ok = await verb(ticketId, 'assign', { assigneeId: 'agent-ana' }, undefined, { 'If-Match': `"${version}"` });
      expect(ok.status).toBe(200);
      const stale = await verb(ticketId, 'priority', { priority: 'urgent' }, undefined, { 'If-Match': `"${version}"` });
      expect(stale.status).toBe(412);
      expect(stale.body).toMatchObject({ code: 'WRONG_EXPECTED_VERSION', currentVersion: version + 1 });
      expect((await verb(ticketId, 'priority', { priority: 'urgent' }, undefined, { 'If-Match': 'W/"1"' })).status).toBe(400);
    });

    it('answers 404 for an unknown ticket or one of another tenant, before any If-Match check', async () => {
      const { ticketId } = await opened();
      expect((await verb('nope', 'start', undefined, undefined, { 'If-Match': '"0"' })).status).toBe(404);
      const other = await verb(ticketId, 'assign', { assigneeId: 'x' }, await as.otherTenantAdmin(), { 'If-Match': '"0"' });
      expect(other.status).toBe(404);
    });

    it('lets staff of a sharing brand read but not work a ticket (403), and hides it from a private brand (404)', async () => {
      const { ticketId } = await opened();
      const bistro = await verb(ticketId, 'assign', { assigneeId: 'host-carla' }, await as.bistroAgent());
      expect(bistro.status).toBe(403);
      expect(bistro.body.code).toBe('BRAND_NOT_ALLOWED');
      expect((await verb(ticketId, 'assign', { assigneeId: 'clerk-dora' }, await as.outletAgent())).status).toBe(404);
    });

    it('answers 400 with field errors for bad bodies', async () => {
      const { ticketId } = await opened();
      expect((await verb(ticketId, 'assign', {})).body).toMatchObject({ status: 400, errors: [{ path: 'body.assigneeId' }] });
      expect((await verb(ticketId, 'priority', { priority: 'asap' })).body).toMatchObject({ status: 400, errors: [{ path: 'body.priority' }] });
      expect((await verb(ticketId, 'satisfaction', { score: 6 })).body).toMatchObject({ status: 400, errors: [{ path: 'body.score' }] });
      expect((await verb(ticketId, 'attachments', { url: 'ftp://x/y', fileName: 'a.jpg', mediaType: 'image/jpeg' })).body).toMatchObject({ status: 400, errors: [{ path: 'body.url' }] });
    });

    it('repeats change nothing: same assignee, same comment id', async () => {
      const { ticketId } = await opened();
      await verb(ticketId, 'assign', { assigneeId: 'agent-ana' });
      const again = await verb(ticketId, 'assign', { assigneeId: 'agent-ana' });
      expect(again.status).toBe(200);
      expect(again.body.changed).toBe(false);
      const c1 = await verb(ticketId, 'comments', { commentId: 'c-1', body: 'Internal note' });
      const c2 = await verb(ticketId, 'comments', { commentId: 'c-1', body: 'Internal note' });
      expect([c1.status, c1.body.changed, c2.body.changed, c2.body.createdId]).toEqual([201, true, false, 'c-1']);
    });

    it('reassigns, delegates (own tickets by default; 409 for someone else’s) and refers to another queue', async () => {
      const { ticketId } = await opened();
      await verb(ticketId, 'assign', { assigneeId: 'agent-ana' });
      expect((await verb(ticketId, 'reassign', { assigneeId: 'agent-bruno' })).body.ticket.assigneeId).toBe('agent-bruno');
      const notMine = await verb(ticketId, 'delegate', { toAssigneeId: 'agent-eva' });
      expect(notMine.body).toMatchObject({ status: 409, code: 'NOT_ASSIGNED_TO_DELEGATOR' });
      const delegated = await verb(ticketId, 'delegate', { toAssigneeId: 'agent-eva' }, await as.otherHotelsAgent());
      expect(delegated.body.ticket.assigneeId).toBe('agent-eva');
      const referred = await verb(ticketId, 'refer', { toQueueId: 'housekeeping', note: 'Check the AC' });
      expect(referred.body.ticket).toMatchObject({ queueId: 'housekeeping', status: 'open', assigneeId: null });
      expect((await verb(ticketId, 'refer', { toQueueId: 'housekeeping' })).body.changed).toBe(false);
      expect((await verb(ticketId, 'refer', { toQueueId: 'kitchen' })).body).toMatchObject({ status: 422, code: 'UNKNOWN_QUEUE', errors: [{ path: 'body.toQueueId' }] });
    });

    it('refuses to refer a ticket to a queue of another brand (422)', async () => {
      const { ticketId } = await opened({ brandId: 'bistro', kind: 'inquiry', channel: 'chat', subject: 'Table for 8?' }, await as.manager());
      const res = await verb(ticketId, 'refer', { toQueueId: 'spa' }, await as.manager());
      expect(res.body).toMatchObject({ status: 422, code: 'QUEUE_NOT_FOR_BRAND' });
    });

    it('reopens within the tenant window, and answers 409 REOPEN_WINDOW_PASSED after it', async () => {
      const { ticketId } = await opened();
      await verb(ticketId, 'assign', { assigneeId: 'agent-ana' });
      await verb(ticketId, 'resolve', {});
      t.advance(60);
      const reopened = await verb(ticketId, 'reopen', { reason: 'Noise again' });
      expect(reopened.body.ticket).toMatchObject({ status: 'assigned', reopenCount: 1 });
      await verb(ticketId, 'resolve', {});
      t.advance(73 * 60);
      const late = await verb(ticketId, 'reopen', {});
      expect(late.body).toMatchObject({ status: 409, code: 'REOPEN_WINDOW_PASSED', ticketStatus: 'resolved' });
    });

    it('gives recoveries only for a complaint of a linked guest', async () => {
      const inquiry = await opened({ brandId: 'hotels', kind: 'inquiry', channel: 'web', subject: 'Parking?' });
      const noComplaint = await verb(inquiry.ticketId, 'recoveries', { action: 'apology' });
      expect(noComplaint.body).toMatchObject({ status: 409, code: 'COMPLAINT_REQUIRED' });
      await verb(inquiry.ticketId, 'complaint', { complaintType: 'billing', severity: 'low' });
      expect((await verb(inquiry.ticketId, 'recoveries', { action: 'apology' })).body.code).toBe('GUEST_REQUIRED');
      const linked = await verb(inquiry.ticketId, 'link-guest', { guestId: 'g-1' });
      expect(linked.body.ticket).toMatchObject({ guestId: 'g-1', kind: 'complaint' });
      expect((await verb(inquiry.ticketId, 'link-guest', { identifiers: [{ type: 'phone', value: '+351911111111' }] })).body.code).toBe('GUEST_ALREADY_LINKED');
      expect((await verb(inquiry.ticketId, 'recoveries', { action: 'refund' })).body).toMatchObject({ status: 422, code: 'INVALID_RECOVERY' });
      const points = await verb(inquiry.ticketId, 'recoveries', { recoveryId: 'r-1', action: 'points', points: 500 });
      expect([points.status, points.body.createdId]).toEqual([201, 'r-1']);
    });

    it('records satisfaction after the resolution, from the survey tool (integration role)', async () => {
      const { ticketId } = await opened();
      const early = await verb(ticketId, 'satisfaction', { score: 4 }, await as.surveyTool());
      expect(early.body).toMatchObject({ status: 409, code: 'NOT_RESOLVED' });
      await verb(ticketId, 'assign', { assigneeId: 'agent-ana' });
      await verb(ticketId, 'resolve', {});
      const res = await verb(ticketId, 'satisfaction', { score: 4, surveyId: 'survey-881', comment: 'Handled well' }, await as.surveyTool());
      expect(res.status).toBe(200);
      expect(res.body.ticket.satisfaction).toMatchObject({ score: 4, surveyId: 'survey-881', comment: 'Handled well' });
      expect(res.body.ticket.history.at(-1)).toMatchObject({ type: 'SatisfactionRecorded', by: 'integration:survey-tool' });
      expect((await verb(ticketId, 'satisfaction', { score: 2 }, await as.surveyTool())).body.code).toBe('SATISFACTION_ALREADY_RECORDED');
      // the survey tool may not work tickets
      expect((await verb(ticketId, 'close', undefined, await as.surveyTool())).status).toBe(403);
    });

    it("escalates by hand: the tenant's policy for an empty body, to the queue manager, or as named", async () => {
      const { ticketId } = await opened();
      await verb(ticketId, 'assign', { assigneeId: 'agent-ana' });
      const policy = await verb(ticketId, 'escalate');
      expect(policy.body.ticket).toMatchObject({ priority: 'urgent', assigneeId: 'manager-maria', escalationLevel: 1 });
      const second = await opened({ ...complaintBody(), priority: 'low', queueId: 'spa' });
      expect((await verb(second.ticketId, 'escalate', { toManager: true })).body).toMatchObject({ status: 422, code: 'INVALID_ESCALATION' });
      const named = await verb(second.ticketId, 'escalate', { toPriority: 'high', note: 'VIP' });
      expect(named.body.ticket).toMatchObject({ priority: 'high', escalationLevel: 1 });
      expect((await verb(second.ticketId, 'escalate', { toPriority: 'low' })).body.code).toBe('INVALID_ESCALATION');
    });

    it('adds attachments by reference and refuses one for an unknown comment (409)', async () => {
      const { ticketId } = await opened();
      const res = await verb(ticketId, 'attachments', { url: 'https://files.example.com/214.jpg', fileName: 'room-214.jpg', mediaType: 'image/jpeg', sizeBytes: 12345 });
      expect(res.status).toBe(201);
      expect(res.body.ticket.attachments).toEqual([expect.objectContaining({ attachmentId: res.body.createdId, url: 'https://files.example.com/214.jpg', sizeBytes: 12345, by: 'agent-ana' })]);
      const orphan = await verb(ticketId, 'attachments', { url: 'https://files.example.com/x.pdf', fileName: 'x.pdf', mediaType: 'application/pdf', commentId: 'c-404' });
      expect(orphan.body.code).toBe('COMMENT_NOT_FOUND');
    });

    it('records a first response explicitly (a call back) and priority changes', async () => {
      const { ticketId } = await opened();
      t.advance(5);
      const res = await verb(ticketId, 'first-response');
      expect(res.body.ticket.firstRespondedAt).toBe(new Date(T0 + 5 * 60_000).toISOString());
      expect(res.body.ticket.sla['first-response'].metAt).toBe(res.body.ticket.firstRespondedAt);
      expect((await verb(ticketId, 'priority', { priority: 'low' })).body.ticket.priority).toBe('low');
    });

    it('lets a guest reply arrive through the e-mail gateway (integration role) and resume the ticket', async () => {
      const { ticketId } = await opened();
      await verb(ticketId, 'assign', { assigneeId: 'agent-ana' });
      await verb(ticketId, 'start');
      await verb(ticketId, 'wait-on-guest');
      const reply = await verb(ticketId, 'comments', { visibility: 'public', author: 'guest', body: 'Yes, please call me' }, await as.surveyTool());
      expect(reply.status).toBe(201);
      expect(reply.body.ticket.status).toBe('in-progress');
      expect((await verb(ticketId, 'comments', { visibility: 'internal', author: 'guest', body: 'x' })).body.code).toBe('INVALID_COMMENT');
    });
  });

  describe.each([
    ['assign', { assigneeId: 'agent-ana' }, { assigneeId: 7 }],
    ['reassign', { assigneeId: 'agent-ana' }, { assigneeId: '' }],
    ['delegate', { toAssigneeId: 'agent-eva' }, {}],
    ['refer', { toQueueId: 'housekeeping' }, { toQueueId: 'housekeeping', extra: 1 }],
    ['start', undefined, { now: true }],
    ['wait-on-guest', undefined, { now: true }],
    ['resume', undefined, { now: true }],
    ['resolve', {}, { resolutionCode: 'Not Kebab' }],
    ['close', undefined, { now: true }],
    ['reopen', {}, { reason: '' }],
    ['comments', { body: 'Note' }, { body: 'x', visibility: 'secret' }],
    ['attachments', { url: 'https://f.example.com/a.pdf', fileName: 'a.pdf', mediaType: 'application/pdf' }, { url: 'https://f.example.com/a.pdf', fileName: 'a.pdf', mediaType: 'pdf' }],
    ['first-response', undefined, { now: true }],
    ['priority', { priority: 'urgent' }, { priority: 'asap' }],
    ['complaint', { complaintType: 'noise', severity: 'low' }, { complaintType: 'noise', severity: 'awful' }],
    ['recoveries', { action: 'apology' }, { action: 'hug' }],
    ['satisfaction', { score: 5 }, { score: 0 }],
    ['escalate', {}, { toPriority: 'asap' }],
    ['link-guest', { guestId: 'g-1' }, {}],
  ])('POST /v1/tickets/{ticketId}/%s', (path, good, bad) => {
    it('needs a token (401) and a role that may use it (403), answers 404 for no such ticket and 400 for a malformed body', async () => {
      const unauthenticated = request(t.app).post(`/v1/tickets/id-1/${path}`);
      expect((await (good === undefined ? unauthenticated : unauthenticated.send(good))).status).toBe(401);
      expect((await verb('id-1', path, good, await as.marketer())).status).toBe(403);
      const missing = await verb('no-such-ticket', path, good);
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('TICKET_NOT_FOUND');
      const { ticketId } = await opened();
      const malformed = await verb(ticketId, path, bad);
      expect(malformed.status).toBe(400);
      expect(malformed.body.code).toBe('VALIDATION_FAILED');
      expect(malformed.body.errors.length).toBeGreaterThan(0);
    });
  });

  it('links a guest found by identifiers with the ticket’s brand and channel; asks customer-profile nothing for a ticket the caller cannot work', async () => {
    const { ticketId } = await opened({ brandId: 'hotels', kind: 'inquiry', channel: 'chat', subject: 'Early check-in?' });
    const missing = await verb('no-such-ticket', 'link-guest', { identifiers: [{ type: 'email', value: 'ana@example.com' }] });
    expect(missing.status).toBe(404);
    const hidden = await verb(ticketId, 'link-guest', { identifiers: [{ type: 'email', value: 'ana@example.com' }] }, await as.outletAgent());
    expect(hidden.status).toBe(404);
    expect(t.profile.calls.resolve).toEqual([]);
    const linked = await verb(ticketId, 'link-guest', { identifiers: [{ type: 'email', value: 'ana@example.com' }] });
    expect(linked.body.ticket.guestId).toBe('g-1');
    expect(t.profile.calls.resolve).toEqual([expect.objectContaining({ brandId: 'hotels', channel: 'chat' })]);
  });

  it('resumes a ticket waiting on the guest (staff), and 409 when it is not waiting', async () => {
    const { ticketId } = await opened();
    await verb(ticketId, 'assign', { assigneeId: 'agent-ana' });
    expect((await verb(ticketId, 'resume')).body).toMatchObject({ status: 409, code: 'ILLEGAL_TRANSITION', ticketStatus: 'assigned' });
    await verb(ticketId, 'start');
    await verb(ticketId, 'wait-on-guest');
    const resumed = await verb(ticketId, 'resume');
    expect(resumed.body.ticket).toMatchObject({ status: 'in-progress', slaPaused: false });
    expect(resumed.body.ticket.history.at(-1)).toMatchObject({ type: 'TicketResumed', by: 'agent-ana' });
  });

  it('serves the OpenAPI document with every ticket operation', async () => {
    const res = await request(t.app).get('/openapi.json');
    expect(res.status).toBe(200);
    const paths = Object.keys(res.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v1/tickets',
        '/v1/tickets/{ticketId}',
        '/v1/tickets/{ticketId}/assign',
        '/v1/tickets/{ticketId}/escalate',
        '/v1/tickets/{ticketId}/satisfaction',
        '/v1/tickets/metrics',
        '/v1/agents/{agentId}/delegate',
        '/v1/ticket-settings',
      ]),
    );
    expect(res.body.paths['/v1/tickets/{ticketId}/satisfaction'].post['x-hearth-roles']).toContain('integration');
    expect(OTHER_TENANT).toBe('t2');
  });
});
