/** Query parameters of a Kubernetes API request; undefined values are left out. */
export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

/** One line of a watch stream. */
export interface WatchEvent {
  readonly type: string;
  readonly object: Record<string, unknown>;
}

/** Callbacks of an open watch. */
export interface WatchHandlers {
  /** A well-formed watch line. */
  onEvent(event: WatchEvent): void;
  /** A line that is not a JSON watch event: counted and skipped by the caller; the watch goes on. */
  onMalformed(line: string): void;
}

/** An open watch stream. */
export interface OpenWatch {
  /** Settles when the stream ends: undefined when the server closed it, the error when it broke. */
  readonly closed: Promise<Error | undefined>;
  /** Stops reading the stream (TCP flow control makes the server wait); `resume` goes on where it stopped. */
  pause?(): void;
  resume?(): void;
}

/** The Kubernetes API access the driver needs: JSON requests and watch streams. Failures reject with `KubeApiError`. */
export interface KubeApi {
  /** The API server's address, for error messages. */
  readonly server: string;
  /** GETs a JSON document. */
  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T>;
  /** POSTs or PUTs a JSON document and returns the server's answer. */
  send<T>(method: 'POST' | 'PUT', path: string, body: unknown): Promise<T>;
  /** Opens a watch (adds `watch=true`); resolves once the server answered 200, rejects otherwise. */
  watch(path: string, query: Query, handlers: WatchHandlers, signal: AbortSignal): Promise<OpenWatch>;
}
