import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { gunzipSync } from 'node:zlib';

/** One OTLP/HTTP request as the receiver saw it, body decompressed. */
export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

/** A loopback OTLP/HTTP receiver for tests (plaintext, or TLS with a given key pair): records every request. */
export class FakeHttpReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly server: Server;
  private readonly scheme: 'http' | 'https';

  constructor(tls?: { key: Buffer; cert: Buffer; ca?: Buffer; requestCert?: boolean }) {
    const handle = (req: IncomingMessage, res: ServerResponse): void => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        this.requests.push({ path: req.url ?? '', headers: req.headers, body });
        const json = req.headers['content-type'] === 'application/json';
        res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
        res.end(json ? '{}' : Buffer.alloc(0));
      });
    };
    this.scheme = tls === undefined ? 'http' : 'https';
    this.server =
      tls === undefined
        ? createHttpServer(handle)
        : createHttpsServer(
            {
              key: tls.key,
              cert: tls.cert,
              ...(tls.ca ? { ca: tls.ca } : {}),
              requestCert: tls.requestCert === true,
              rejectUnauthorized: tls.requestCert === true,
            },
            handle,
          );
  }

  /** Starts on 127.0.0.1 and returns the base URL (no path). */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as { port: number };
    return `${this.scheme}://127.0.0.1:${port}`;
  }

  /** True when some request carried the trace ID (raw bytes in protobuf, hex in JSON). */
  received(traceIdHex: string): boolean {
    const bytes = Buffer.from(traceIdHex, 'hex');
    return this.requests.some((r) => r.body.includes(bytes) || r.body.includes(Buffer.from(traceIdHex)));
  }

  /** Stops the server. */
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
