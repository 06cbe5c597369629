import { UserError } from '../common/user-error.ts';

/** Checks an OTLP endpoint given by `name` (a flag or a variable) is an http(s) URL; returns it parsed. */
export function parseOtlpEndpoint(text: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`${name}: expected a URL like http://localhost:4317, got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UserError(`${name}: expected an http:// or https:// URL, got ${JSON.stringify(text)}`);
  return url;
}
