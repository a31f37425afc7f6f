import type { MetricLabels, MetricsExposition, MetricsRecorder } from '../../application/ports/metrics.port';

export type MetricKind = 'counter' | 'gauge' | 'histogram';

export interface MetricDefinition {
  name: string;
  kind: MetricKind;
  help: string;
  /** Upper bounds of a histogram's buckets (seconds for durations). */
  buckets?: readonly number[];
}

interface Series {
  labels: MetricLabels;
  value: number;
  /** Histogram only: count per bucket (not cumulative), then sum and count. */
  bucketCounts?: number[];
  sum?: number;
}

interface Family extends MetricDefinition {
  series: Map<string, Series>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const escapeLabel = (v: string): string =>
  v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const formatNumber = (n: number): string =>
  Number.isNaN(n) ? 'NaN' : n === Infinity ? '+Inf' : n === -Infinity ? '-Inf' : String(n);

function labelText(labels: MetricLabels, extra?: [string, string]): string {
  const pairs = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  if (extra) pairs.push(extra);
  return pairs.length ? `{${pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
}

/**
 * Counters, gauges and histograms in memory, written out in the Prometheus text format (0.0.4).
 * A name recorded before it was defined is created with the kind its first use implies. Values
 * only known at scrape time (lags, heads) come from collectors run just before rendering.
 */
export class MetricsRegistry implements MetricsRecorder, MetricsExposition {
  readonly contentType = 'text/plain; version=0.0.4; charset=utf-8';
  private readonly families = new Map<string, Family>();
  private readonly collectors: (() => Promise<void>)[] = [];

  define(...definitions: MetricDefinition[]): this {
    for (const definition of definitions) this.family(definition.name, definition.kind, definition);
    return this;
  }

  addCollector(collect: () => Promise<void>): this {
    this.collectors.push(collect);
    return this;
  }

  increment(name: string, labels: MetricLabels = {}, by = 1): void {
    if (!(by >= 0)) throw new Error(`metric ${name}: a counter only goes up (got ${by})`);
    this.series(this.family(name, 'counter'), labels).value += by;
  }

  setGauge(name: string, labels: MetricLabels, value: number): void {
    this.series(this.family(name, 'gauge'), labels).value = value;
  }

  observe(name: string, labels: MetricLabels, value: number): void {
    const family = this.family(name, 'histogram');
    const series = this.series(family, labels);
    const buckets = family.buckets ?? DEFAULT_BUCKETS;
    series.bucketCounts ??= new Array<number>(buckets.length).fill(0);
    const index = buckets.findIndex((upper) => value <= upper);
    if (index >= 0) series.bucketCounts[index]++;
    series.sum = (series.sum ?? 0) + value;
    series.value++;
  }

  /** Drops every series of a gauge, before a collector sets the ones that still exist. */
  clear(name: string): void {
    this.families.get(name)?.series.clear();
  }

  async render(): Promise<string> {
    await Promise.all(this.collectors.map((collect) => collect()));
    const lines: string[] = [];
    for (const family of [...this.families.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.kind}`);
      for (const series of family.series.values()) lines.push(...this.seriesLines(family, series));
    }
    return `${lines.join('\n')}\n`;
  }

  private seriesLines(family: Family, series: Series): string[] {
    if (family.kind !== 'histogram')
      return [`${family.name}${labelText(series.labels)} ${formatNumber(series.value)}`];
    const buckets = family.buckets ?? DEFAULT_BUCKETS;
    let cumulative = 0;
    const lines = buckets.map((upper, i) => {
      cumulative += series.bucketCounts?.[i] ?? 0;
      return `${family.name}_bucket${labelText(series.labels, ['le', formatNumber(upper)])} ${cumulative}`;
    });
    lines.push(`${family.name}_bucket${labelText(series.labels, ['le', '+Inf'])} ${series.value}`);
    lines.push(`${family.name}_sum${labelText(series.labels)} ${formatNumber(series.sum ?? 0)}`);
    lines.push(`${family.name}_count${labelText(series.labels)} ${series.value}`);
    return lines;
  }

  private family(name: string, kind: MetricKind, definition?: MetricDefinition): Family {
    const known = this.families.get(name);
    if (known) {
      if (known.kind !== kind) throw new Error(`metric ${name} is a ${known.kind}, not a ${kind}`);
      return known;
    }
    if (!NAME.test(name)) throw new Error(`metric name ${JSON.stringify(name)} is not a Prometheus name`);
    const family: Family = { name, kind, help: definition?.help ?? name, series: new Map() };
    if (definition?.buckets) family.buckets = [...definition.buckets].sort((a, b) => a - b);
    this.families.set(name, family);
    return family;
  }

  private series(family: Family, labels: MetricLabels): Series {
    const key = labelText(labels);
    let series = family.series.get(key);
    if (!series) {
      const bad = Object.keys(labels).find((l) => !LABEL.test(l) || l === 'le');
      if (bad) throw new Error(`metric ${family.name}: ${bad} is not a usable label name`);
      series = { labels: { ...labels }, value: 0 };
      family.series.set(key, series);
    }
    return series;
  }
}
