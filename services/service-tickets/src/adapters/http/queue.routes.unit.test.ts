import type { ProjectionRunner } from '@hearth/read-models';
import request from 'supertest';
import { createTicketMetricsProjection, createTicketQueueProjection } from '../read-models';
import { as, complaintBody, TENANT, ticketsTestApp, type TicketsTestApp } from '../testing/tickets.test-helper';

describe('queue, metrics and bulk delegation routes', () => {
  let t: TicketsTestApp;
  let projections: ProjectionRunner[];
  beforeEach(async () => {
    t = await ticketsTestApp();
    t.profile.addGuest(TENANT, 'g-1');
    projections = [createTicketQueueProjection({ events: t.inner, store: t.readModels }), createTicketMetricsProjection({ events: t.inner, store: t.readModels })];
    for (const p of projections) await p.start();
  });
  afterEach(async () => {
    for (const p of projections) await p.stop();
    expect(t.logged).toEqual([]);
  });

  /** Waits until the read models applied everything appended so far. */
  const caughtUp = async () => {
    const last = (await t.inner.readAll({ limit: 10_000 })).at(-1)!.globalPosition;
    for (const p of projections) await p.waitForPosition(last, { timeoutMs: 5_000 });
  };
  const open = async (body: Record<string, unknown>, auth?: Record<string, string>) => {
    const res = await request(t.app).post('/v1/tickets').set(auth ?? (await as.manager())).send(body);
    expect(res.status).toBe(201);
    return res.body.ticket.ticketId as string;
  };
  const verb = async (ticketId: string, path: string, body: object, auth?: Record<string, string>) => {
    const res = await request(t.app).post(`/v1/tickets/${ticketId}/${path}`).set(auth ?? (await as.manager())).send(body);
    expect(res.status).toBeLessThan(300);
  };

  it('lists the unified queue of the brands the caller may see, most urgent first, with filters and pages', async () => {
    const complaint = await open(complaintBody());
    const inquiry = await open({ brandId: 'bistro', kind: 'inquiry', channel: 'chat', subject: 'Table for 8?' });
    await open({ brandId: 'outlet', kind: 'request', channel: 'web', subject: 'Invoice copy' }, await as.admin());
    await verb(inquiry, 'assign', { assigneeId: 'agent-ana' });
    await caughtUp();

    const hotels = await request(t.app).get('/v1/tickets').set(await as.hotelsAgent());
    expect(hotels.status).toBe(200);
    // inquiry due 10:10 (10 business minutes), complaint 10:30; the outlet ticket is not visible to hotels staff
    expect(hotels.body.items.map((i: { ticketId: string }) => i.ticketId)).toEqual([inquiry, complaint]);
    expect(hotels.body.items[1]).toMatchObject({ kind: 'complaint', priority: 'high', brandId: 'hotels', guestId: 'g-1', dueAt: '2026-03-02T10:30:00.000Z' });
    expect(JSON.stringify(hotels.body)).not.toContain('Noise');

    const assigned = await request(t.app).get('/v1/tickets?assignee=agent-ana').set(await as.hotelsAgent());
    expect(assigned.body.items.map((i: { ticketId: string }) => i.ticketId)).toEqual([inquiry]);
    const firstPage = await request(t.app).get('/v1/tickets?limit=1').set(await as.admin());
    expect(firstPage.body.items).toHaveLength(1);
    const next = await request(t.app).get(`/v1/tickets?limit=1&cursor=${encodeURIComponent(firstPage.body.nextCursor)}`).set(await as.admin());
    expect(next.body.items[0].ticketId).not.toBe(firstPage.body.items[0].ticketId);
  });

  it('answers 400 for bad filters and an unusable cursor, 401/403 without a staff token', async () => {
    const bad = await request(t.app).get('/v1/tickets?status=lost&limit=500').set(await as.hotelsAgent());
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['query.limit', 'query.status.0']);
    expect((await request(t.app).get('/v1/tickets?cursor=garbage').set(await as.hotelsAgent())).status).toBe(400);
    expect((await request(t.app).get('/v1/tickets')).status).toBe(401);
    expect((await request(t.app).get('/v1/tickets').set(await as.marketer())).status).toBe(403);
  });

  it('reports metrics to managers (not agents)', async () => {
    const complaint = await open(complaintBody());
    await verb(complaint, 'assign', { assigneeId: 'agent-ana' });
    await verb(complaint, 'resolve', { resolutionCode: 'fixed' });
    await caughtUp();
    const res = await request(t.app).get('/v1/tickets/metrics?from=2026-03-01&to=2026-03-31').set(await as.manager());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2026-03-01', to: '2026-03-31', backlog: { total: 0 }, opened: { total: 1, byKind: { complaint: 1 } }, resolved: 1, complaints: { total: 1, byType: { noise: 1 } } });
    expect((await request(t.app).get('/v1/tickets/metrics').set(await as.hotelsAgent())).status).toBe(403);
    expect((await request(t.app).get('/v1/tickets/metrics?from=2026-03-31&to=2026-03-01').set(await as.manager())).status).toBe(400);
  });

  it("delegates every active ticket of an agent who is away, one result per ticket; an agent only their own", async () => {
    const a = await open(complaintBody());
    const b = await open({ brandId: 'hotels', kind: 'inquiry', channel: 'phone', subject: 'Late checkout?' });
    const other = await open({ brandId: 'hotels', kind: 'inquiry', channel: 'phone', subject: 'Taxi?' });
    await verb(a, 'assign', { assigneeId: 'agent-ana' });
    await verb(b, 'assign', { assigneeId: 'agent-ana' });
    await verb(other, 'assign', { assigneeId: 'agent-bruno' });
    await caughtUp();

    const forbidden = await request(t.app).post('/v1/agents/agent-ana/delegate').set(await as.otherHotelsAgent()).send({ toAssigneeId: 'agent-bruno' });
    expect(forbidden.status).toBe(403);
    const res = await request(t.app).post('/v1/agents/agent-ana/delegate').set(await as.manager()).send({ toAssigneeId: 'agent-eva' });
    expect(res.status).toBe(200);
    expect(res.body.delegated).toBe(2);
    expect(res.body.results.map((r: { ticketId: string; status: number }) => [r.ticketId, r.status]).sort()).toEqual([[a, 200], [b, 200]].sort());
    for (const id of [a, b]) expect((await request(t.app).get(`/v1/tickets/${id}`).set(await as.manager())).body.assigneeId).toBe('agent-eva');
    expect((await request(t.app).get(`/v1/tickets/${other}`).set(await as.manager())).body.assigneeId).toBe('agent-bruno');
    const own = await request(t.app).post('/v1/agents/agent-bruno/delegate').set(await as.otherHotelsAgent()).send({ toAssigneeId: 'agent-ana' });
    expect(own.body.delegated).toBe(1);
    expect((await request(t.app).post('/v1/agents/agent-bruno/delegate').set(await as.manager()).send({})).status).toBe(400);
  });

  it('reports a ticket that changed hands since the queue saw it as a failed result (409)', async () => {
    const a = await open(complaintBody());
    await verb(a, 'assign', { assigneeId: 'agent-ana' });
    await caughtUp();
    for (const p of projections) await p.stop();
    await verb(a, 'assign', { assigneeId: 'agent-bruno' });
    const res = await request(t.app).post('/v1/agents/agent-ana/delegate').set(await as.manager()).send({ toAssigneeId: 'agent-eva' });
    expect(res.body).toMatchObject({ delegated: 0, results: [{ ticketId: a, status: 409, problem: { code: 'NOT_ASSIGNED_TO_DELEGATOR' } }] });
  });
});
