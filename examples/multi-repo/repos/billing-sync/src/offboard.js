// Closes community accounts of customers whose contract ended.
const axios = require('axios');

const KHOROS_BASE = process.env.KHOROS_BASE;

async function closeCommunityAccount(userId) {
  const res = await axios.delete(`${KHOROS_BASE}/api/2.0/users/${userId}`, {
    headers: { 'li-api-session-key': process.env.KHOROS_SESSION_KEY },
  });
  return res.status;
}

module.exports = { closeCommunityAccount };
