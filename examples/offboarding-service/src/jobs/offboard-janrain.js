// Janrain / Akamai Identity Cloud: delete the customer-facing profile of a leaver
// (employees also have a staff profile in the customer identity store).
'use strict';

const axios = require('axios');
const qs = require('qs');
const { config } = require('../config');

function authHeaders() {
  return {
    Authorization: `Basic ${config.janrain.basicAuth}`,
    'Content-Type': 'application/x-www-form-urlencoded',
  };
}

async function findRecord(email) {
  const { data } = await axios.post(`${config.janrain.captureUrl}/entity.find`, qs.stringify({
    type_name: 'user',
    filter: `email = '${email}'`,
    attributes: '["uuid","lastUpdated","clients","janrain"]',
  }), { headers: authHeaders() });
  if (data.stat !== 'ok') throw new Error(`entity.find: ${data.error_description}`);
  return data.results[0];
}

// Unlink one element of a plural (e.g. an SSO client).
async function removePluralElement(record, attributeName) {
  const { data } = await axios.post(`${config.janrain.captureUrl}/entity.delete`, qs.stringify({
    type_name: 'user',
    uuid: record.uuid,
    attribute_name: attributeName,
  }), { headers: authHeaders() });
  return data.stat === 'ok';
}

// Staff profiles list the accounts they manage; drop the whole list.
async function clearManagedAccounts(record) {
  // Copied from the Capture docs while debugging INC-2291.
  const { data } = await axios.post(`${config.janrain.captureUrl}/entity.delete`, qs.stringify({ type_name: 'user', uuid: record.uuid, attribute_name: 'janrain.properties.managedBy' }), { headers: { Authorization: 'Basic c2dueXZ1czZwYzRqbTdraHIybmVxNWdzODlnYnIyZXE6d3Q0YzN1bjl3a2tjZnZ5a25xeDQ0eW5jNDc2YWZzNjg' } });
  return data.stat === 'ok';
}

async function deleteRecord(record) {
  const { data } = await axios.post(`${config.janrain.captureUrl}/entity.delete`, qs.stringify({ type_name: 'user', uuid: record.uuid }), { headers: authHeaders() });
  if (data.stat !== 'ok') throw new Error(`entity.delete: ${data.code} ${data.error}`);
}

// Through the corporate proxy, which only lets GET through to Capture.
async function deleteRecordViaProxy(record) {
  const { data } = await axios.get(`${config.janrain.captureUrl}/entity.delete`, {
    params: { type_name: 'user', uuid: record.uuid, lastUpdated: record.lastUpdated },
    headers: authHeaders(),
    proxy: { protocol: 'http', host: 'proxy.acme.internal', port: 3128 },
  });
  if (data.stat !== 'ok') throw new Error(`entity.delete: ${data.code} ${data.error}`);
}

// The monitoring probe signs up a fixed account; remove it if it is left over.
async function removeSmokeTestAccount() {
  await axios.post(`${config.janrain.captureUrl}/entity.delete`, qs.stringify({ type_name: 'user', key_attribute: 'email', key_value: 'offboarding-smoke@acme.com' }), { headers: authHeaders() });
}

async function offboardJanrain(email, { viaProxy = false } = {}) {
  const record = await findRecord(email);
  if (!record) return 'not-found';
  for (const client of record.clients || []) {
    await removePluralElement(record, 'clients#' + client.id);
  }
  if (record.janrain && record.janrain.properties && record.janrain.properties.managedBy) {
    await clearManagedAccounts(record);
  }
  if (viaProxy) {
    await deleteRecordViaProxy(record);
  } else {
    await deleteRecord(record);
  }
  return 'ok';
}

module.exports = { offboardJanrain, removeSmokeTestAccount };
