// Shared HTTP clients. Jobs in this service and the community moderation jobs
// (separate repository, vendored copy of this file) import them.
import axios from 'axios';
import { config } from './config';

// TODO(OPS-412): take the community host from config once the Aurora cut-over date is set.
export const khorosApi = axios.create({
  baseURL: 'https://acme.lithium.com/api/2.0',
  headers: { 'li-api-session-key': config.khoros.sessionKey },
  timeout: 10_000,
});

export const securidApi = axios.create({
  baseURL: `${config.securid.tenantUrl}/AdminInterface/restapi/v1`,
  headers: { Authorization: `Bearer ${config.securid.apiJwt}`, 'Content-Type': 'application/json' },
  timeout: 10_000,
});

export const oktaApi = axios.create({
  baseURL: `${config.okta.orgUrl}/api/v1`,
  headers: { Authorization: `SSWS ${config.okta.token}`, Accept: 'application/json' },
});
