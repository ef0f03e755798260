// Keeps LMS group membership in sync with the directory. Already on v2: nothing to do.
const LEARNING360_BASE = process.env.LEARNING360_BASE;

async function removeRole(groupId, userId, token) {
  await fetch(`${LEARNING360_BASE}/api/v2/groups/${groupId}/learner/${userId}`, {
    method: 'DELETE',
    headers: { Authorization: `Bearer ${token}`, '360-api-version': 'v2.0' },
  });
}

module.exports = { removeRole };
