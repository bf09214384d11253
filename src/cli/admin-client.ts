/** Thrown for a non-2xx answer; carries the gateway's error body. */
export class AdminRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface AdminClientOptions {
  /** Gateway base URL (`SWITCHYARD_URL`, default http://localhost:8787). */
  url: string;
  /** Bearer key: the admin key (`SWITCHYARD_ADMIN_KEY`), or an API key for `/v1` commands. */
  adminKey?: string;
  /** Recorded as the actor of control-plane changes (`cli:<user>`). */
  actor: string;
}

/** The CLI talks to the gateway's HTTP API only — never to the database. */
export class AdminClient {
  constructor(private readonly options: AdminClientOptions) {}

  get<T = unknown>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T = unknown>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  put<T = unknown>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  patch<T = unknown>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  delete<T = unknown>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  /** POSTs raw bytes (an image upload; the gateway sniffs the type from the bytes). */
  postBytes<T = unknown>(path: string, data: Uint8Array): Promise<T> {
    return this.request<T>('POST', path, undefined, data);
  }

  /** GETs a binary body (an asset download); the caller streams `response.body`. */
  async download(path: string): Promise<Response> {
    const response = await this.send('GET', path, {});
    if (!response.ok) this.raise(response, await response.text());
    return response;
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    bytes?: Uint8Array,
  ): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (bytes) headers['content-type'] = 'application/octet-stream';
    const response = await this.send(
      method,
      path,
      headers,
      bytes ?? (body === undefined ? undefined : JSON.stringify(body)),
    );
    const text = await response.text();
    if (!response.ok) this.raise(response, text);
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return parsed as T;
  }

  private async send(
    method: string,
    path: string,
    extraHeaders: Record<string, string>,
    body?: string | Uint8Array,
  ): Promise<Response> {
    const headers: Record<string, string> = {
      'x-switchyard-actor': this.options.actor,
      ...extraHeaders,
    };
    if (this.options.adminKey) headers.authorization = `Bearer ${this.options.adminKey}`;
    try {
      return await fetch(new URL(path, this.options.url), { method, headers, body });
    } catch (error) {
      throw new AdminRequestError(
        0,
        'unreachable',
        `Cannot reach the gateway at ${this.options.url}: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}`,
      );
    }
  }

  /** Throws the gateway's error envelope (`{ error: { code, message } }`) as an AdminRequestError. */
  private raise(response: Response, text: string): never {
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new AdminRequestError(
      response.status,
      error?.code ?? 'http_error',
      error?.message ?? `HTTP ${response.status}`,
    );
  }
}
