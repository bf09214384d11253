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
  /** Admin key (`SWITCHYARD_ADMIN_KEY`). */
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

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { 'x-switchyard-actor': this.options.actor };
    if (this.options.adminKey) headers.authorization = `Bearer ${this.options.adminKey}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(new URL(path, this.options.url), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new AdminRequestError(
        0,
        'unreachable',
        `Cannot reach the gateway at ${this.options.url}: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}`,
      );
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new AdminRequestError(
        response.status,
        error?.code ?? 'http_error',
        error?.message ?? `HTTP ${response.status}`,
      );
    }
    return parsed as T;
  }
}
