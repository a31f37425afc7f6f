import { Agent as HttpAgent, ClientRequest, IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { HTTP } from 'cloudevents';
import type { EventSink, SinkDelivery, SinkOutcome } from '../../application/ports/event-sink.port';
import { toCloudEvent } from './cloud-event.mapper';
import { parseRetryAfter } from './retry-after';

/** Enough of an error answer to explain it in GET /v1/subscriptions/{id}, never a whole page. */
const MAX_ERROR_TEXT = 200;
/** Idle connections are let go before a typical server (5 s keep-alive) drops them under us. */
const IDLE_SOCKET_MS = 4000;

interface Answer {
  status: number;
  statusText: string;
  retryAfter?: string;
  text: string;
}

/**
 * CloudEvents HTTP binding (section 3.1.3.2): `ce-` header values carry space, `"`, `%` and
 * anything outside printable ASCII percent-encoded as UTF-8.
 */
function percentEncode(value: string): string {
  return value.replace(/[^\x21-\x7e]|["%]/gu, (c) =>
    [...new TextEncoder().encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}

/** Reads the answer, keeping the first characters; a sink sending a large body loses its connection. */
function readAnswer(res: IncomingMessage): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let text = '';
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      const retryAfter = res.headers['retry-after'];
      resolve({
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? '',
        retryAfter,
        text: text.trim(),
      });
    };
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      text += chunk;
      if (text.length <= MAX_ERROR_TEXT) return;
      text = text.slice(0, MAX_ERROR_TEXT);
      finish();
      res.destroy();
    });
    res.on('end', finish);
    res.on('close', () =>
      done ? undefined : reject(new Error('the sink closed the connection mid-answer')),
    );
    res.on('error', reject);
  });
}

/**
 * Delivers one event with the cloudevents SDK's HTTP binding (binary or structured) over node:http
 * with keep-alive connections: one event at a time per subscription makes the cost of each call
 * the limit on throughput. Every call has a deadline covering the answer's body too. Redirects are
 * not followed, so a sink cannot bounce deliveries to a host the allow-list would refuse.
 */
export class HttpSinkClient implements EventSink {
  private readonly http = new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS });
  private readonly https = new HttpsAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS });

  constructor(private readonly userAgent = 'open-host-factory') {}

  async deliver({ sink, settings, event, timeoutMs, signal }: SinkDelivery): Promise<SinkOutcome> {
    const cloudEvent = toCloudEvent(event);
    const message =
      settings.contentmode === 'structured' ? HTTP.structured(cloudEvent) : HTTP.binary(cloudEvent);
    const body = Buffer.from(String(message.body), 'utf8');
    const headers: Record<string, string | number> = {
      'user-agent': this.userAgent,
      ...settings.headers,
      'content-length': body.length,
    };
    for (const [name, value] of Object.entries(message.headers))
      if (value !== undefined)
        headers[name] = name.startsWith('ce-') ? percentEncode(String(value)) : String(value);
    const deadline = AbortSignal.timeout(timeoutMs);
    const abort = signal ? AbortSignal.any([signal, deadline]) : deadline;
    try {
      const answer = await this.send(new URL(sink), settings.method, headers, body, abort);
      const { status } = answer;
      if (status >= 200 && status < 300) return { ok: true, status };
      const throttled = status === 429 || status === 503;
      return {
        ok: false,
        status,
        reason: `http_${status}`,
        error: `sink answered ${status}${answer.statusText ? ` ${answer.statusText}` : ''}${answer.text ? `: ${answer.text}` : ''}`,
        retryAfterMs: throttled ? parseRetryAfter(answer.retryAfter) : undefined,
      };
    } catch (error) {
      if (deadline.aborted)
        return {
          ok: false,
          reason: 'timeout',
          error: `sink gave no answer within ${timeoutMs} ms`,
        };
      const why = (error as { code?: string }).code ?? (error as Error).message;
      return { ok: false, reason: 'network', error: `cannot reach the sink: ${why}` };
    }
  }

  private async send(
    url: URL,
    method: string,
    headers: Record<string, string | number>,
    body: Buffer,
    signal: AbortSignal,
  ): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      let request: ClientRequest | undefined;
      try {
        return await new Promise<Answer>((resolve, reject) => {
          const secure = url.protocol === 'https:';
          request = (secure ? httpsRequest : httpRequest)(
            url,
            { method, headers, agent: secure ? this.https : this.http, signal },
            (res) => readAnswer(res).then(resolve, reject),
          );
          request.on('error', reject);
          request.end(body);
        });
      } catch (error) {
        // A kept-alive connection the sink had already closed: the event never reached it, so a
        // fresh connection sends it now rather than counting a failure.
        const stale = request?.reusedSocket && (error as { code?: string }).code === 'ECONNRESET';
        if (!stale || attempt > 1 || signal.aborted) throw error;
      }
    }
  }
}
