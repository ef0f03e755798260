// Okta: deactivate, then delete (Okta addresses users by login, which is the email).
import axios from 'axios';
import { config } from '../config';
import { oktaApi } from '../clients';

export async function offboardOkta(email: string): Promise<'ok'> {
  const login = encodeURIComponent(email);
  await oktaApi.post(`/users/${login}/lifecycle/deactivate`);
  await axios.delete(`${config.okta.orgUrl}/api/v1/users/${email}`, {
    headers: { Authorization: `SSWS ${config.okta.token}` },
  });
  return 'ok';
}
