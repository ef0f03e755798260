// Khoros community: find the member by email and close their account.
import axios from 'axios';
import { config } from '../config';

interface KhorosUser {
  id: string;
  login: string;
  email: string;
}

interface CloseUserAccountResult {
  data: { closeUserAccount: { result: boolean; errors: Array<{ __typename: string; message: string }> } };
}

const CLOSE_USER_ACCOUNT = `mutation CloseUserAccount($id: ID!, $password: String) {
  closeUserAccount(id: $id, password: $password) { result errors { ... on Error { __typename message } } }
}`;

function sessionHeaders(): Record<string, string> {
  return { 'li-api-session-key': config.khoros.sessionKey };
}

async function findUser(email: string): Promise<KhorosUser | undefined> {
  const liql = `SELECT id, login, email FROM users WHERE email = '${email.replace(/'/g, "\\'")}'`;
  const { data } = await axios.get(`${config.khoros.communityUrl}/api/2.0/search`, {
    params: { q: liql },
    headers: sessionHeaders(),
  });
  return data.data.items[0];
}

async function closeAccount(user: KhorosUser): Promise<void> {
  if (config.khoros.useAurora) {
    const { data } = await axios.post<CloseUserAccountResult>(
      `${config.khoros.communityUrl}/t5/s/api/2.1/graphql`,
      {
        query: CLOSE_USER_ACCOUNT,
        variables: { id: `user:${user.id}`, password: config.khoros.adminPassword },
        operationName: 'CloseUserAccount',
      },
      { headers: { ...sessionHeaders(), 'Content-Type': 'application/json' } },
    );
    if (!data.data.closeUserAccount.result) {
      throw new Error(`CloseUserAccount failed for ${user.login}: ${JSON.stringify(data.data.closeUserAccount.errors)}`);
    }
    return;
  }

  // Classic community (until the Aurora cut-over).
  await axios.delete(`${config.khoros.communityUrl}/api/2.0/users/${user.id}`, { headers: sessionHeaders() });
}

export async function offboardKhoros(email: string): Promise<'ok' | 'not-found'> {
  const user = await findUser(email);
  if (!user) return 'not-found';
  await closeAccount(user);
  return 'ok';
}
