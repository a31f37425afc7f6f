import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';

/**
 * HTTP agents that reach AWS through an HTTP proxy (AWS_PROXY_HOST/PORT) by CONNECT tunnelling,
 * which is what corporate proxies in front of HPC clusters allow. Node's own agents cannot do
 * this, and a hand-written tunnel avoids a dependency for twenty lines of protocol.
 */
export interface ProxyAddress {
  host: string;
  port: number;
}

type Callback = (err: Error | null, stream: Duplex) => void;

function openTunnel(
  proxy: ProxyAddress,
  host: string,
  port: number,
  timeoutMs: number,
  done: Callback,
): void {
  const target = `${host}:${port}`;
  const request = http.request({
    host: proxy.host,
    port: proxy.port,
    method: 'CONNECT',
    path: target,
    headers: { host: target },
    timeout: timeoutMs,
  });
  request.once('connect', (response, socket) => {
    if (response.statusCode === 200) return done(null, socket);
    socket.destroy();
    done(
      new Error(`proxy ${proxy.host}:${proxy.port} refused CONNECT ${target}: HTTP ${response.statusCode}`),
      socket,
    );
  });
  request.once('timeout', () =>
    request.destroy(new Error(`proxy ${proxy.host}:${proxy.port} did not answer`)),
  );
  request.once('error', (error) => done(error, request.socket as Duplex));
  request.end();
}

const hostOf = (options: http.ClientRequestArgs): string => options.hostname ?? options.host ?? 'localhost';

/** For https endpoints (AWS itself): TLS runs end to end inside the tunnel. */
export class ProxyTunnelHttpsAgent extends https.Agent {
  constructor(
    private readonly proxy: ProxyAddress,
    private readonly connectTimeoutMs: number,
    options?: https.AgentOptions,
  ) {
    super({ keepAlive: true, ...options });
  }

  override createConnection(options: https.RequestOptions, callback?: Callback): Duplex | null | undefined {
    const host = hostOf(options);
    openTunnel(this.proxy, host, Number(options.port ?? 443), this.connectTimeoutMs, (error, socket) => {
      if (!callback) return;
      if (error) return callback(error, socket);
      const servername = options.servername ?? (host.match(/^[\d.]+$|:/) ? undefined : host);
      callback(null, tls.connect({ ...(options as tls.ConnectionOptions), socket, servername }));
    });
    return undefined;
  }
}

/** For plain-http endpoints (a private endpoint or an emulator behind the proxy). */
export class ProxyTunnelHttpAgent extends http.Agent {
  constructor(
    private readonly proxy: ProxyAddress,
    private readonly connectTimeoutMs: number,
  ) {
    super({ keepAlive: true });
  }

  override createConnection(options: http.ClientRequestArgs, callback?: Callback): Duplex | null | undefined {
    openTunnel(
      this.proxy,
      hostOf(options),
      Number(options.port ?? 80),
      this.connectTimeoutMs,
      (error, socket) => callback?.(error, socket),
    );
    return undefined;
  }
}
