// RSA SecurID Cloud Authentication: disable the user and mark them for deletion
// (or delete them outright for security incidents).
import axios from 'axios';
import { config } from '../config';
import { securidApi } from '../clients';

interface SecurIdUser {
  id: string;
  emailAddress: string;
  userStatus: 'Enabled' | 'Disabled';
}

export interface SecurIdOptions {
  purge?: boolean;
  ticket?: string;
}

async function lookup(email: string): Promise<SecurIdUser | undefined> {
  const { data } = await securidApi.post<SecurIdUser | undefined>('/users/lookup', { email, searchUnsyncedUsers: false });
  return data;
}

export async function offboardSecurId(email: string, options: SecurIdOptions = {}): Promise<'ok' | 'not-synced'> {
  const user = await lookup(email);
  if (!user) {
    // Not synced from the directory yet: try the email as the id.
    await securidApi.put(`/users/${email}/markDeleted`, { markDeleted: true });
    return 'not-synced';
  }

  if (options.purge) {
    // Security incident: no seven-day grace period.
    await axios.delete(`${config.securid.tenantUrl}/AdminInterface/restapi/v1/users/${user.id}`, {
      headers: { Authorization: `Bearer ${config.securid.apiJwt}` },
    });
    return 'ok';
  }

  if (user.userStatus === 'Enabled') {
    await securidApi.put(`/users/${user.id}/userStatus`, { userStatus: 'Disabled' });
  }
  if (options.ticket) {
    await securidApi.put(`/users/${user.id}/markDeleted`, { markDeleted: true, ticket: options.ticket });
  } else {
    await securidApi.put(`/users/${user.id}/markDeleted`, { markDeleted: 'true' });
  }
  return 'ok';
}

// Undo within the seven days.
export async function restoreSecurId(userId: string): Promise<void> {
  await securidApi.post(`/users/${userId}/markDeleted`, { markDeleted: false });
}
