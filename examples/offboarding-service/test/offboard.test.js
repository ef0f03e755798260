// End-to-end test against the staging tenants. Runs only with RUN_E2E=1.
const request = require('supertest');
const axios = require('axios');
const { app } = require('../src/index');

const KHOROS_STAGE = 'https://acme.stage.lithium.com';
const LMS_STAGING = 'https://acme.360learning-dev.com';
const TEST_EMAIL = 'offboarding-e2e@acme.com';
const TEST_GROUP = '64b7f0c2a1d3e5f7a9b1c3d6';

const khorosHeaders = { 'li-api-session-key': process.env.KHOROS_STAGE_SESSION_KEY };

const e2e = process.env.RUN_E2E ? describe : describe.skip;

e2e('offboarding against staging', () => {
  let khorosUserId;

  beforeAll(async () => {
    // Seed the leaver in the community and in an LMS group.
    const { data } = await axios.post(`${KHOROS_STAGE}/api/2.0/users`, {
      data: { type: 'user', login: 'offboarding-e2e', email: TEST_EMAIL },
    }, { headers: khorosHeaders });
    khorosUserId = data.data.id;
    await axios.put(`${LMS_STAGING}/api/v1/groups/${TEST_GROUP}/users/${TEST_EMAIL}`, { company: 'acme-staging', apiKey: 'stg-2b9f0d7e41c8' });
  });

  afterAll(async () => {
    // Remove whatever the service left behind.
    await axios.delete(`${KHOROS_STAGE}/api/2.0/users/${khorosUserId}`, { headers: khorosHeaders }).catch(() => undefined);
  });

  it('rejects a request without an email', async () => {
    await request(app).post('/offboard').send({}).expect(400);
  });

  it('offboards the user from every vendor', async () => {
    const res = await request(app).post('/offboard').send({ email: TEST_EMAIL }).expect(200);
    expect(res.body).toEqual({
      khoros: 'ok',
      learning360: 'ok',
      janrain: 'ok',
      securid: 'ok',
      okta: 'ok',
    });
  });
});
