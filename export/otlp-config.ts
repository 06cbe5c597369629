import fs from 'node:fs';
import { UserError } from '../common/user-error.ts';
import { parseOtlpEndpoint } from './otlp-endpoint.ts';
import { parseHeaders } from './parse-headers.ts';

/** The OTLP transports: `OTEL_EXPORTER_OTLP_PROTOCOL`'s values. */
export const OTLP_PROTOCOLS = ['grpc', 'http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

/** kspan's default transport: gRPC on :4317, as Jaeger and the collector take it (the spec's SDK default is http/protobuf). */
export const DEFAULT_OTLP_PROTOCOL: OtlpProtocol = 'grpc';

/** Where each protocol sends by default. */
const DEFAULT_ENDPOINT: Readonly<Record<OtlpProtocol, string>> = {
  grpc: 'http://localhost:4317',
  'http/protobuf': 'http://localhost:4318/v1/traces',
  'http/json': 'http://localhost:4318/v1/traces',
};

/** The OTLP flags of a command; each, when given, wins over its variable. */
export interface OtlpFlags {
  readonly endpoint?: string;
  readonly protocol?: string;
  readonly insecure?: boolean;
  /** Headers from the command line or a mounted file, added over the variables'. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Everything an OTLP trace exporter needs, resolved once from flags and the OTel exporter variables. */
export interface OtlpConfig {
  readonly protocol: OtlpProtocol;
  /** The URL requests go to: for HTTP with the `/v1/traces` path, for gRPC the server's address. */
  readonly url: string;
  /** Which setting named the URL. */
  readonly urlFrom: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly compression: 'gzip' | 'none';
  readonly timeoutMillis: number;
  /** Plaintext (an `http://` URL, or gRPC's insecure setting). */
  readonly insecure: boolean;
  /** PEM files for TLS: the CA to trust, and a client certificate and key for mutual TLS. */
  readonly tls: { readonly ca?: Buffer; readonly cert?: Buffer; readonly key?: Buffer };
}

/** The first set of `OTEL_EXPORTER_OTLP_TRACES_<name>`, `OTEL_EXPORTER_OTLP_<name>`, with the variable's name. */
function fromEnv(env: NodeJS.ProcessEnv, name: string): { value: string; variable: string } | undefined {
  for (const variable of [`OTEL_EXPORTER_OTLP_TRACES_${name}`, `OTEL_EXPORTER_OTLP_${name}`]) {
    const value = env[variable]?.trim();
    if (value !== undefined && value !== '') return { value, variable };
  }
  return undefined;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], name: string): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new UserError(`${name}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

function pem(env: NodeJS.ProcessEnv, name: string, read: (path: string) => Buffer): Buffer | undefined {
  const found = fromEnv(env, name);
  if (found === undefined) return undefined;
  try {
    return read(found.value);
  } catch (err) {
    throw new UserError(
      `$${found.variable}: cannot read ${found.value} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); mount the file there or unset the variable`,
    );
  }
}

/** The signal path HTTP appends to a base endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`, or a flag URL without a path). */
function withTracesPath(url: string): string {
  return `${url.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Resolves the OTLP settings as the OpenTelemetry exporter specification defines them
 * (https://opentelemetry.io/docs/specs/otel/protocol/exporter/): traces-specific variables over general
 * ones, flags over both. Throws a `UserError` naming the flag or variable for anything malformed.
 */
export function resolveOtlpConfig(
  flags: OtlpFlags,
  env: NodeJS.ProcessEnv = process.env,
  read: (path: string) => Buffer = (p) => fs.readFileSync(p),
): OtlpConfig {
  const protocolEnv = fromEnv(env, 'PROTOCOL');
  const protocol =
    flags.protocol !== undefined
      ? oneOf(flags.protocol, OTLP_PROTOCOLS, '--otlp-protocol')
      : protocolEnv !== undefined
        ? oneOf(protocolEnv.value, OTLP_PROTOCOLS, `$${protocolEnv.variable}`)
        : DEFAULT_OTLP_PROTOCOL;
  const http = protocol !== 'grpc';

  let url: string;
  let urlFrom: string;
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const general = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (flags.endpoint !== undefined) {
    const parsed = parseOtlpEndpoint(flags.endpoint, '--otlp-endpoint');
    url = http && (parsed.pathname === '/' || parsed.pathname === '') ? withTracesPath(flags.endpoint) : flags.endpoint;
    urlFrom = '--otlp-endpoint';
  } else if (specific !== undefined && specific !== '') {
    // The traces variable is used as it is (spec: "MUST be used as-is without any modification").
    parseOtlpEndpoint(specific, '$OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
    url = specific;
    urlFrom = '$OTEL_EXPORTER_OTLP_TRACES_ENDPOINT';
  } else if (general !== undefined && general !== '') {
    parseOtlpEndpoint(general, '$OTEL_EXPORTER_OTLP_ENDPOINT');
    url = http ? withTracesPath(general) : general;
    urlFrom = '$OTEL_EXPORTER_OTLP_ENDPOINT';
  } else {
    url = DEFAULT_ENDPOINT[protocol];
    urlFrom = `the ${protocol} default`;
  }

  // Traces-specific headers win over general ones; flags over both.
  const headers = {
    ...parseHeaders(env.OTEL_EXPORTER_OTLP_HEADERS ?? ''),
    ...parseHeaders(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS ?? ''),
    ...(flags.headers ?? {}),
  };

  const compressionEnv = fromEnv(env, 'COMPRESSION');
  const compression =
    compressionEnv === undefined
      ? 'none'
      : oneOf(compressionEnv.value, ['gzip', 'none'] as const, `$${compressionEnv.variable}`);

  const timeoutEnv = fromEnv(env, 'TIMEOUT');
  const timeoutMillis = timeoutEnv === undefined ? 10_000 : Number(timeoutEnv.value);
  if (!Number.isInteger(timeoutMillis) || timeoutMillis <= 0)
    throw new UserError(
      `$${timeoutEnv?.variable}: expected milliseconds (a positive whole number), got ${JSON.stringify(timeoutEnv?.value)}`,
    );

  const insecureEnv = fromEnv(env, 'INSECURE');
  const insecureSetting =
    insecureEnv === undefined
      ? false
      : oneOf(insecureEnv.value.toLowerCase(), ['true', 'false'] as const, `$${insecureEnv.variable}`) === 'true';
  const insecure = url.startsWith('http://') || flags.insecure === true || (!http && insecureSetting);
  if (http && flags.insecure === true && url.startsWith('https://'))
    throw new UserError(
      '--otlp-insecure: HTTP transports take plaintext from an http:// URL; give one instead of https://',
    );

  const ca = pem(env, 'CERTIFICATE', read);
  const cert = pem(env, 'CLIENT_CERTIFICATE', read);
  const key = pem(env, 'CLIENT_KEY', read);
  if ((cert === undefined) !== (key === undefined))
    throw new UserError(
      'mutual TLS needs both $OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and $OTEL_EXPORTER_OTLP_CLIENT_KEY (or their TRACES_ forms)',
    );
  return {
    protocol,
    url,
    urlFrom,
    headers,
    compression,
    timeoutMillis,
    insecure,
    tls: {
      ...(ca !== undefined ? { ca } : {}),
      ...(cert !== undefined ? { cert } : {}),
      ...(key !== undefined ? { key } : {}),
    },
  };
}

/** Whether any OTLP endpoint is configured (a flag or a variable), i.e. whether `replay` exports at all. */
export function otlpEndpointConfigured(flags: OtlpFlags, env: NodeJS.ProcessEnv = process.env): boolean {
  return (
    flags.endpoint !== undefined ||
    (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? '').trim() !== '' ||
    (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').trim() !== ''
  );
}
