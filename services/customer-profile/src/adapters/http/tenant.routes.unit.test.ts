import request from 'supertest';
import { as, bearer, expectProblem, newGuest, paths, profileTestApp, type ProfileTestApp } from './profile-app.test-helper';

describe('tenant routes', () => {
  let t: ProfileTestApp;
  beforeEach(async () => {
    t = await profileTestApp();
  });
  afterEach(() => expect(t.logged).toEqual([]));

  describe('/v1/brands', () => {
    it('lists brands (managers may read) and adds one (admins), with ETag and Location', async () => {
      const list = await request(t.app).get('/v1/brands').set(await as.manager());
      expect(list.status).toBe(200);
      expect(list.headers.etag).toBe('"6"');
      expect(list.body.items.map((b: { brandId: string }) => b.brandId)).toEqual(['hotels', 'bistro', 'outlet']);
      const added = await request(t.app).post('/v1/brands').set(await as.admin()).send({ brandId: 'spa', name: 'Hearth Spa', sharing: 'private' });
      expect(added.status).toBe(201);
      expect(added.headers.location).toBe('/v1/brands/spa');
      expect(added.headers.etag).toBe('"7"');
      expect(added.body).toEqual({ brandId: 'spa', name: 'Hearth Spa', sharing: 'private' });
    });

    it('409 BRAND_EXISTS for a different brand under a taken id; 400 for bad input; 403 for a brand outside a scoped admin’s token', async () => {
      const admin = await as.admin();
      expectProblem(await request(t.app).post('/v1/brands').set(admin).send({ brandId: 'hotels', name: 'Other', sharing: 'shared' }), 409, 'BRAND_EXISTS');
      expect(paths(expectProblem(await request(t.app).post('/v1/brands').set(admin).send({ brandId: 'a b', name: '', sharing: 'open' }), 400, 'VALIDATION_FAILED'))).toEqual(['body.brandId', 'body.name', 'body.sharing']);
      expectProblem(await request(t.app).post('/v1/brands').set(await bearer({ roles: ['admin'], brands: ['hotels'] })).send({ brandId: 'spa', name: 'Spa', sharing: 'private' }), 403, 'BRAND_NOT_ALLOWED');
    });
  });

  describe('PATCH /v1/brands/:brandId', () => {
    it('renames a brand and changes its sharing: a brand leaving the shared view takes its guests with it', async () => {
      await request(t.app).post('/v1/guests').set(await as.bistroAgent()).send(newGuest('Ana'));
      expect((await request(t.app).get('/v1/guests/g1').set(await as.hotelsAgent())).status).toBe(200);
      const res = await request(t.app).patch('/v1/brands/bistro').set(await as.admin()).set('If-Match', '"6"').send({ name: 'Hearth Kitchen', sharing: 'private', agreementRef: 'DSA-2026-1' });
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"8"');
      expect(res.body).toEqual({ brandId: 'bistro', name: 'Hearth Kitchen', sharing: 'private' });
      expectProblem(await request(t.app).get('/v1/guests/g1').set(await as.hotelsAgent()), 404, 'GUEST_NOT_FOUND');
    });

    it('404 for unknown brands, 412 on a stale If-Match, 400 for empty changes', async () => {
      const admin = await as.admin();
      expectProblem(await request(t.app).patch('/v1/brands/nope').set(admin).send({ name: 'X' }), 404, 'BRAND_NOT_FOUND');
      expectProblem(await request(t.app).patch('/v1/brands/hotels').set(admin).set('If-Match', '"2"').send({ name: 'X' }), 412, 'WRONG_EXPECTED_VERSION');
      expect(paths(expectProblem(await request(t.app).patch('/v1/brands/hotels').set(admin).send({}), 400, 'VALIDATION_FAILED'))).toEqual(['body']);
    });
  });

  describe('/v1/properties', () => {
    const porto = { propertyId: 'porto-1', brandId: 'hotels', name: 'Hearth Porto', kind: 'hotel', country: 'PT', timeZone: 'Europe/Lisbon' };

    it('lists, adds and replaces properties', async () => {
      const admin = await as.admin();
      const added = await request(t.app).post('/v1/properties').set(admin).send(porto);
      expect(added.status).toBe(201);
      expect(added.headers.location).toBe('/v1/properties/porto-1');
      const { propertyId: _p, ...rest } = porto;
      const replaced = await request(t.app).put('/v1/properties/porto-1').set(admin).send({ ...rest, name: 'Hearth Porto Ribeira' });
      expect(replaced.status).toBe(200);
      expect(replaced.body.name).toBe('Hearth Porto Ribeira');
      const list = await request(t.app).get('/v1/properties').set(await as.manager());
      expect(list.body.items.map((p: { propertyId: string }) => p.propertyId)).toEqual(['lisbon-1', 'porto-1']);
    });

    it('404 for unknown brands and properties, 409 for a taken id, 400 for bad input', async () => {
      const admin = await as.admin();
      expectProblem(await request(t.app).post('/v1/properties').set(admin).send({ ...porto, brandId: 'nope' }), 404, 'BRAND_NOT_FOUND');
      expectProblem(await request(t.app).post('/v1/properties').set(admin).send({ ...porto, propertyId: 'lisbon-1' }), 409, 'PROPERTY_EXISTS');
      const { propertyId: _p, ...rest } = porto;
      expectProblem(await request(t.app).put('/v1/properties/nope').set(admin).send(rest), 404, 'PROPERTY_NOT_FOUND');
      expect(paths(expectProblem(await request(t.app).post('/v1/properties').set(admin).send({ ...porto, kind: 'castle', country: 'pt', timeZone: 'Mars/Olympus' }), 400, 'VALIDATION_FAILED'))).toEqual([
        'body.country',
        'body.kind',
        'body.timeZone',
      ]);
    });
  });

  describe('/v1/attributes', () => {
    it('defines (201) and re-describes (200) attributes, which registrations are then checked against', async () => {
      const admin = await as.admin();
      const created = await request(t.app).post('/v1/attributes').set(admin).send({ key: 'loyaltyTier', type: 'string', description: 'Tier' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ key: 'loyaltyTier', type: 'string', description: 'Tier' });
      expect((await request(t.app).post('/v1/attributes').set(admin).send({ key: 'loyaltyTier', type: 'string', description: 'Loyalty tier' })).status).toBe(200);
      const list = await request(t.app).get('/v1/attributes').set(await as.manager());
      expect(list.body.items.map((a: { key: string }) => a.key)).toEqual(['vip', 'roomType', 'anniversary', 'loyaltyTier']);
      expect((await request(t.app).post('/v1/guests').set(await as.hotelsAgent()).send(newGuest('Ana', { attributes: { loyaltyTier: 'gold' } }))).status).toBe(201);
    });

    it('409 ATTRIBUTE_TYPE_CONFLICT when a key changes type; 400 for bad keys and types', async () => {
      const admin = await as.admin();
      expectProblem(await request(t.app).post('/v1/attributes').set(admin).send({ key: 'vip', type: 'string' }), 409, 'ATTRIBUTE_TYPE_CONFLICT');
      expect(paths(expectProblem(await request(t.app).post('/v1/attributes').set(admin).send({ key: '1st', type: 'json' }), 400, 'VALIDATION_FAILED'))).toEqual(['body.key', 'body.type']);
    });
  });
});
