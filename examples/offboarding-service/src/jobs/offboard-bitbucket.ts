// Bitbucket Cloud: revoke the leaver's SSH keys.
import axios from 'axios';
import { config } from '../config';

interface SshKey {
  uuid: string;
  label: string;
}

const auth = { username: config.bitbucket.username, password: config.bitbucket.appPassword };

export async function revokeBitbucketKeys(accountId: string): Promise<number> {
  const { data } = await axios.get<{ values: SshKey[] }>(`https://bitbucket.org/api/2.0/users/${accountId}/ssh-keys`, { auth });
  for (const key of data.values) {
    await axios.delete(`https://bitbucket.org/api/2.0/users/${accountId}/ssh-keys/${key.uuid}`, { auth });
  }
  return data.values.length;
}
