// Runs every offboarding job for one leaver, from the command line or over HTTP.
import express from 'express';
import { offboardKhoros } from './jobs/offboard-khoros';
import { offboard360Learning } from './jobs/offboard-360learning';
import { offboardSecurId } from './jobs/offboard-securid';
import { offboardOkta } from './jobs/offboard-okta';
import { revokeBitbucketKeys } from './jobs/offboard-bitbucket';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { offboardJanrain } = require('./jobs/offboard-janrain');

export type JobResult = Record<string, string>;

export async function runOffboarding(email: string, bitbucketAccountId?: string): Promise<JobResult> {
  const results: JobResult = {};
  const jobs: Array<[string, () => Promise<unknown>]> = [
    ['khoros', () => offboardKhoros(email)],
    ['learning360', () => offboard360Learning(email)],
    ['janrain', () => offboardJanrain(email)],
    ['securid', () => offboardSecurId(email)],
    ['okta', () => offboardOkta(email)],
  ];
  if (bitbucketAccountId) {
    jobs.push(['bitbucket', () => revokeBitbucketKeys(bitbucketAccountId)]);
  }
  for (const [name, job] of jobs) {
    try {
      const outcome = await job();
      results[name] = typeof outcome === 'string' ? outcome : 'ok';
    } catch (err) {
      results[name] = `failed: ${(err as Error).message}`;
    }
  }
  return results;
}

export const app = express();
app.use(express.json());

app.post('/offboard', async (req, res) => {
  const { email, bitbucketAccountId } = req.body ?? {};
  if (typeof email !== 'string' || !email.includes('@')) {
    res.status(400).json({ error: 'email is required' });
    return;
  }
  res.json(await runOffboarding(email, bitbucketAccountId));
});

if (require.main === module) {
  const [email, bitbucketAccountId] = process.argv.slice(2);
  if (!email) {
    console.error('usage: offboard <email> [bitbucket-account-id]');
    process.exit(2);
  }
  runOffboarding(email, bitbucketAccountId).then((results) => {
    console.table(results);
    process.exitCode = Object.values(results).some((r) => r.startsWith('failed')) ? 1 : 0;
  });
}
