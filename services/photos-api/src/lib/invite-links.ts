import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';

// Only create-invite imports this module: the links it answers point at the web app.

/**
 * The web app's address (serverless.yml param webAppUrl, by default webOrigin): an http(s) URL
 * without query or fragment, its trailing slashes dropped; or '*' (webOrigin's default: no web app
 * known), and the links are relative. Read once per cold start; anything else fails the init.
 */
export function webAppUrlFrom(value: string): string {
  if (value === '*') return value;
  const url = URL.parse(value);
  if (!url || !/^https?:$/.test(url.protocol) || url.search || url.hash || url.username || url.password)
    throw new Error(
      `Environment variable WEB_APP_URL must be '*' or an http(s) URL such as https://photos.example.com, not ${JSON.stringify(value)}`,
    );
  return value.replace(/\/+$/, '');
}

export const webAppUrl = webAppUrlFrom(getStringFromEnv({ key: 'WEB_APP_URL', defaultValue: '*' }));
