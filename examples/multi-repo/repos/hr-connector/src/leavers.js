// Marks leavers for deletion in SecurID once HR closes their record.
const SECURID_ADMIN = 'https://acme.access.securid.com/AdminInterface/restapi/v1';

async function markLeaver(userId, jwt) {
  await fetch(`${SECURID_ADMIN}/users/${userId}/markDeleted`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${jwt}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ markDeleted: 'true' }),
  });
}

module.exports = { markLeaver };
