// 360Learning: take the leaver out of all their groups, keep their history in the
// alumni group, then delete the LMS account.
import axios from 'axios';
import got from 'got';
import { config } from '../config';

const { company, apiKey } = config.learning360;

interface V1Group {
  _id: string;
  name: string;
  users: string[];
}

interface V1User {
  _id: string;
  mail: string;
}

async function groupsOf(email: string): Promise<V1Group[]> {
  const { data } = await axios.get<V1Group[]>(`${config.learning360.baseUrl}/api/v1/groups`, { params: { company, apiKey } });
  return data.filter((group) => group.users.includes(email));
}

async function removeFromGroups(email: string, groups: V1Group[]): Promise<void> {
  for (const group of groups) {
    await axios.delete(`${config.learning360.baseUrl}/api/v1/groups/${group._id}/users/${email}`, {
      data: { company, apiKey, group_id: group._id, deleteFromPrivateSubgroups: true },
    });
  }
}

async function moveToAlumni(userId: string): Promise<void> {
  await axios.put(`${config.learning360.baseUrl}/api/v1/groups/${config.learning360.alumniGroupId}/users/${userId}`, { company, apiKey });
}

async function deleteAccount(userId: string): Promise<void> {
  await got.delete(`${config.learning360.baseUrl}/api/v1/users/${userId}`, { searchParams: { company, apiKey } });
}

export async function offboard360Learning(email: string, { keepHistory = true } = {}): Promise<'ok'> {
  const groups = await groupsOf(email);
  await removeFromGroups(email, groups);
  const { data: users } = await axios.get<V1User[]>(`${config.learning360.baseUrl}/api/v1/users`, { params: { company, apiKey, mail: email } });
  const user = users[0];
  if (!user) return 'ok';
  if (keepHistory) {
    await moveToAlumni(user._id);
  } else {
    await deleteAccount(user._id);
  }
  return 'ok';
}
