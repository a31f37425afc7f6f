/* JSON over HTTP to a running test service: the answer's status, headers and parsed body. */
import type { TestService } from './service';

export interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

export async function call<T = Record<string, unknown>>(
  service: TestService,
  path: string,
  init: { method?: string; json?: unknown } = {},
): Promise<Answer<T>> {
  const response = await fetch(`${service.url}${path}`, {
    method: init.method ?? 'GET',
    headers: init.json === undefined ? {} : { 'content-type': 'application/json' },
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : undefined) as T,
  };
}
