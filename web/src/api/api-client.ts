/**
 * The dashboard's only way to the gateway: same-origin fetches with the admin key as a
 * Bearer token. The key lives in sessionStorage so it goes away with the tab and is never
 * written to disk by the page.
 */
const storageKey = 'switchyard.adminKey';
const callerStorageKey = 'switchyard.caller';

/** Who the key belongs to, as `GET /admin/whoami` answers: the operator or a tenant's admin. */
export interface AdminCaller {
  role: 'operator' | 'tenant_admin';
  tenant: { id: string; name: string } | null;
  /** The key's scopes (`generate`, `read`, `admin`); the operator has them all. */
  scopes: string[];
}

export function storedKey(): string | null {
  return sessionStorage.getItem(storageKey);
}

/**
 * The caller stored with the key; null before sign-in, or in a tab signed in before the
 * dashboard knew roles or scopes (the shell then asks `/admin/whoami` again).
 */
export function storedCaller(): AdminCaller | null {
  const text = sessionStorage.getItem(callerStorageKey);
  if (!text) return null;
  try {
    const caller = JSON.parse(text) as Partial<AdminCaller>;
    return Array.isArray(caller.scopes) ? (caller as AdminCaller) : null;
  } catch {
    return null;
  }
}

/** Keeps the key (and whose it is) for this tab, or forgets both (`null`: sign out). */
export function storeKey(key: string | null, caller?: AdminCaller): void {
  if (key) sessionStorage.setItem(storageKey, key);
  else sessionStorage.removeItem(storageKey);
  if (key && caller) sessionStorage.setItem(callerStorageKey, JSON.stringify(caller));
  else if (!key) sessionStorage.removeItem(callerStorageKey);
  window.dispatchEvent(new Event('switchyard:key'));
}

/** A non-2xx answer in the gateway's error shape `{error: {code, message}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function errorOf(status: number, body: unknown): ApiError {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const error = (body as { error: unknown }).error;
    if (typeof error === 'object' && error !== null) {
      const { code, message } = error as { code?: unknown; message?: unknown };
      return new ApiError(
        status,
        typeof code === 'string' ? code : 'error',
        typeof message === 'string' ? message : `HTTP ${status}`,
      );
    }
  }
  return new ApiError(status, 'error', `HTTP ${status}`);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Overrides the stored key (the login form checks a key before storing it). */
  key?: string;
}

/**
 * Calls the gateway and returns its JSON. The responses are the gateway's own documented
 * shapes (see docs/operations.md), typed by the caller. A 401 logs the tab out: the key was
 * revoked or mistyped.
 */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const key = options.key ?? storedKey() ?? '';
  const headers: Record<string, string> = {
    authorization: `Bearer ${key}`,
    // Names the dashboard in the audit log (the admin API's X-Switchyard-Actor header).
    'x-switchyard-actor': 'dashboard',
  };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    if (response.status === 401 && options.key === undefined) storeKey(null);
    throw errorOf(response.status, body);
  }
  return body as T;
}
