import { MetricsRegistry } from '../../../infrastructure/metrics/metrics-registry';

describe('the metrics registry', () => {
  it('writes counters, gauges and histograms in the Prometheus text format', async () => {
    const registry = new MetricsRegistry().define(
      { name: 'ohf_calls_total', kind: 'counter', help: 'Calls.\nBy operation.' },
      { name: 'ohf_call_seconds', kind: 'histogram', help: 'Call time.', buckets: [1, 0.1] },
    );
    registry.increment('ohf_calls_total', { operation: 'requestMachines', outcome: 'ok' });
    registry.increment('ohf_calls_total', { outcome: 'ok', operation: 'requestMachines' }, 2);
    registry.increment('ohf_calls_total', { operation: 'say "hi"\\' });
    registry.setGauge('ohf_lag', { projection: 'templates' }, 3);
    registry.observe('ohf_call_seconds', { operation: 'a' }, 0.05);
    registry.observe('ohf_call_seconds', { operation: 'a' }, 0.5);
    registry.observe('ohf_call_seconds', { operation: 'a' }, 7);
    expect(await registry.render()).toBe(
      [
        '# HELP ohf_call_seconds Call time.',
        '# TYPE ohf_call_seconds histogram',
        'ohf_call_seconds_bucket{operation="a",le="0.1"} 1',
        'ohf_call_seconds_bucket{operation="a",le="1"} 2',
        'ohf_call_seconds_bucket{operation="a",le="+Inf"} 3',
        'ohf_call_seconds_sum{operation="a"} 7.55',
        'ohf_call_seconds_count{operation="a"} 3',
        '# HELP ohf_calls_total Calls.\\nBy operation.',
        '# TYPE ohf_calls_total counter',
        'ohf_calls_total{operation="requestMachines",outcome="ok"} 3',
        'ohf_calls_total{operation="say \\"hi\\"\\\\"} 1',
        '# HELP ohf_lag ohf_lag',
        '# TYPE ohf_lag gauge',
        'ohf_lag{projection="templates"} 3',
        '',
      ].join('\n'),
    );
  });

  it('runs its collectors before it writes, and a cleared gauge loses its old series', async () => {
    const registry = new MetricsRegistry();
    let lag = 5;
    registry.addCollector(async () => {
      registry.clear('ohf_lag');
      registry.setGauge('ohf_lag', { subscription: `s-${lag}` }, lag);
    });
    expect(await registry.render()).toContain('ohf_lag{subscription="s-5"} 5');
    lag = 2;
    const text = await registry.render();
    expect(text).toContain('ohf_lag{subscription="s-2"} 2');
    expect(text).not.toContain('s-5');
  });

  it('refuses a kind mismatch, a bad name, a bad label and a counter going down', () => {
    const registry = new MetricsRegistry();
    registry.increment('ohf_x_total');
    expect(() => registry.setGauge('ohf_x_total', {}, 1)).toThrow(/is a counter, not a gauge/);
    expect(() => registry.increment('ohf-x')).toThrow(/not a Prometheus name/);
    expect(() => registry.increment('ohf_y_total', { 'bad-label': 'x' })).toThrow(/label/);
    expect(() => registry.observe('ohf_z', { le: '1' }, 1)).toThrow(/label/);
    expect(() => registry.increment('ohf_x_total', {}, -1)).toThrow(/only goes up/);
  });
});
