// Vendor endpoints and credentials. Secrets always come from the environment;
// base URLs default to the production tenants.

export interface OffboardingConfig {
  khoros: { communityUrl: string; sessionKey: string; useAurora: boolean; adminPassword: string };
  learning360: { baseUrl: string; company: string; apiKey: string; alumniGroupId: string };
  janrain: { captureUrl: string; basicAuth: string };
  securid: { tenantUrl: string; apiJwt: string };
  okta: { orgUrl: string; token: string };
  bitbucket: { username: string; appPassword: string };
}

function env(name: string, fallback = ''): string {
  return process.env[name] ?? fallback;
}

export const config: OffboardingConfig = {
  khoros: {
    communityUrl: env('KHOROS_COMMUNITY_URL', 'https://acme.lithium.com'),
    sessionKey: env('KHOROS_SESSION_KEY'),
    useAurora: env('KHOROS_AURORA') === 'true',
    adminPassword: env('KHOROS_ADMIN_PASSWORD'),
  },
  learning360: {
    baseUrl: 'https://acme.360learning.com',
    company: env('LEARNING360_COMPANY', 'acme'),
    apiKey: env('LEARNING360_API_KEY'),
    alumniGroupId: '64b7f0c2a1d3e5f7a9b1c3d5',
  },
  janrain: {
    captureUrl: 'https://acme.us.janraincapture.com',
    basicAuth: env('JANRAIN_BASIC_AUTH'),
  },
  securid: {
    tenantUrl: env('SECURID_TENANT_URL', 'https://acme.access.securid.com'),
    apiJwt: env('SECURID_API_JWT'),
  },
  okta: {
    orgUrl: 'https://acme.okta.com',
    token: env('OKTA_API_TOKEN'),
  },
  bitbucket: {
    username: env('BITBUCKET_USERNAME', 'offboarding-bot'),
    appPassword: env('BITBUCKET_APP_PASSWORD'),
  },
};
