import { invalid } from '../../shared/domain-error';

/**
 * Where a subscription may deliver. Only http(s) URLs; with an allow-list configured, only its
 * hosts: entries are a host name or address (any port), `host:port`, or `*.domain` for subdomains.
 */
export function parseSink(raw: unknown, allowedHosts: readonly string[], field = 'sink'): string {
  if (typeof raw !== 'string' || raw.trim() === '')
    throw invalid(field, `${field} must be an absolute http or https URL`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(field, `${field} must be an absolute http or https URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalid(field, `${field} must use http or https, not ${url.protocol.replace(/:$/, '')}`);
  if (url.username || url.password)
    throw invalid(field, `${field} must not carry credentials; send them in protocolsettings.headers`);
  if (!isSinkAllowed(url.href, allowedHosts))
    throw invalid(field, `${field} host ${url.host} is not in the allowed sink hosts`, {
      allowedHosts: [...allowedHosts],
    });
  return url.href;
}

const bare = (host: string): string => host.toLowerCase().replace(/^\[(.*)\]$/, '$1');

/** Checked again before every delivery: the allow-list may have shrunk since the subscription was made. */
export function isSinkAllowed(sink: string, allowedHosts: readonly string[]): boolean {
  if (allowedHosts.length === 0) return true;
  let url: URL;
  try {
    url = new URL(sink);
  } catch {
    return false;
  }
  const host = bare(url.hostname);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return allowedHosts.some((entry) => {
    const wanted = entry.trim().toLowerCase();
    if (wanted.startsWith('*.')) return host.endsWith(wanted.slice(1));
    const withPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(wanted);
    if (withPort) return host === bare(withPort[1]) && port === withPort[2];
    return host === bare(wanted);
  });
}
