/*
 * Event store and projection figures on the embedded engine (a MongoMemoryServer of its own):
 * append latency one at a time, append throughput under concurrency, then over 200,000 stored
 * events: a fresh projection catching up from 0 and a replay (rebuild beside the live model),
 * each beside the raw speed of an ordered scan of the same commits collection.
 */
import { loadavg } from 'node:os';
import { MongoClient } from 'mongodb';
import { MongoMemoryServer } from 'mongodb-memory-server-core';
import { templatesProjection } from '../../application/projections/templates.projection';
import type { ProjectionDefinition } from '../../application/projections/projection';
import { parseTemplate } from '../../domain/entities/template/template.parser';
import { buildEventRegistry } from '../../domain/events/event-catalog';
import { TemplateDefined, TemplateUpdated } from '../../domain/events/template/template.events';
import type { CommitDocument } from '../../integration/mongodb/commit.document';
import { COMMITS_COLLECTION, MongoEventStore } from '../../integration/mongodb/mongo-event-store';
import { ProjectionEngine } from '../../integration/mongodb/projection-engine';
import { PROJECTIONS_COLLECTION } from '../../integration/mongodb/projection-meta.store';
import { useSharedMongodWhereThere } from '../support/global-setup';
import type { BenchRow } from './bench-mongo';

const LATENCY_APPENDS = 3000;
const THROUGHPUT_APPENDS = 30_000;
const CONCURRENCY = 128;
const STORED_EVENTS = 200_000;
const TEMPLATES = 1000;

const ms = (ns: bigint): number => Number(ns) / 1e6;
const perSecond = (rate: number): string => `${Math.round(rate).toLocaleString('en-US')} events/s`;
const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const specs = new Map<number, ReturnType<typeof parseTemplate>>();

/** The i-th event of a template's history: defined first, then updates changing maxNumber. */
function templateEvent(template: number, version: number) {
  let base = specs.get(template);
  if (!base) {
    base = parseTemplate({
      templateId: `bench-${template}`,
      maxNumber: 1,
      attributes: { type: 'X86_64', ncpus: '2', nram: '4096' },
      imageId: 'ami-0123456789abcdef0',
      subnetId: 'subnet-0123456789abcdef0',
      vmType: 'm5.large',
      instanceTags: `team=hpc;n=${template}`,
    });
    specs.set(template, base);
  }
  const spec = { ...base, maxNumber: (version % 1000) + 1 };
  return version === 1
    ? TemplateDefined.create({ spec, origin: 'file' })
    : TemplateUpdated.create({ spec, changed: ['maxNumber'], origin: 'api' });
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; millis: number }> {
  const start = process.hrtime.bigint();
  const value = await run();
  return { value, millis: ms(process.hrtime.bigint() - start) };
}

export async function benchEventStore(): Promise<BenchRow[]> {
  useSharedMongodWhereThere();
  const server = await MongoMemoryServer.create();
  const client = await MongoClient.connect(server.getUri(), { maxPoolSize: 200 });
  const rows: BenchRow[] = [];
  try {
    const db = client.db('bench');
    const store = new MongoEventStore(db, buildEventRegistry(), '/bench', 'http://127.0.0.1/v1/events/types');
    await store.init();
    const versions = new Map<number, number>();
    const next = (template: number) => {
      const version = (versions.get(template) ?? 0) + 1;
      versions.set(template, version);
      return {
        streamId: `template-bench-${template}`,
        events: [templateEvent(template, version)],
        expectedVersion: version - 1,
      };
    };

    // Append latency: one event at a time, each waiting for the one before (no group commit to help),
    // interleaved with a bare insertOne of a commit into a collection indexed like the commits: the
    // floor any append pays on this server at this moment, under the same noise.
    const scratch = db.collection<Partial<CommitDocument>>('latency_floor');
    await scratch.createIndexes([
      { key: { last: 1 }, unique: true },
      { key: { stream: 1, versions: 1 }, unique: true },
      { key: { commitId: 1 }, unique: true },
    ]);
    for (let i = 0; i < 200; i++) await store.append(next(i % TEMPLATES));
    const latencies: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < LATENCY_APPENDS; i++) {
      const request = next(i % TEMPLATES);
      let start = process.hrtime.bigint();
      await store.append(request);
      latencies.push(ms(process.hrtime.bigint() - start));
      start = process.hrtime.bigint();
      const doc = { _id: i, last: i, stream: request.streamId, versions: [request.expectedVersion + 1] };
      const events = request.events.map((e) => ({ id: `e${i}`, type: e.type, time: '', data: e.data }));
      await scratch.insertOne({ ...doc, commitId: `c${i}`, at: new Date(), events });
      floor.push(ms(process.hrtime.bigint() - start));
    }
    latencies.sort((a, b) => a - b);
    floor.sort((a, b) => a - b);
    const p = (list: number[], at: number) => `${percentile(list, at).toFixed(2)} ms`;
    rows.push({ name: 'load average (1 min) at the start', value: loadavg()[0].toFixed(1) });
    rows.push({ name: 'append latency p50 (1 event, sequential)', value: p(latencies, 50) });
    rows.push({ name: 'append latency p99 (1 event, sequential)', value: p(latencies, 99) });
    rows.push({
      name: 'bare insertOne p50 / p99, interleaved (floor)',
      value: `${p(floor, 50)} / ${p(floor, 99)}`,
    });

    // Throughput: CONCURRENCY appenders over every template stream, one event per commit.
    const appendMany = async (count: number): Promise<number> => {
      let left = count;
      const worker = async (w: number) => {
        // Each worker owns the streams ≡ w (mod CONCURRENCY), so exact expected versions never clash.
        for (let t = w; left > 0; t = t + CONCURRENCY >= TEMPLATES ? w : t + CONCURRENCY) {
          left--;
          await store.append(next(t));
        }
      };
      const { millis } = await timed(() =>
        Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w))),
      );
      return millis;
    };
    const throughputMs = await appendMany(THROUGHPUT_APPENDS);
    rows.push({
      name: `append throughput (${CONCURRENCY} concurrent, ${TEMPLATES} streams)`,
      value: perSecond((THROUGHPUT_APPENDS * 1000) / throughputMs),
    });

    // Fill the log up to STORED_EVENTS.
    await appendMany(STORED_EVENTS - (await store.headPosition()));
    const head = await store.headPosition();
    rows.push({ name: 'events stored', value: head.toLocaleString('en-US') });

    // The raw speed of reading the log: an ordered scan of the commits, streamed. Measured right
    // before each projection run, since other work on the machine moves both figures.
    const rawScan = async (): Promise<number> => {
      const scan = await timed(async () => {
        let events = 0;
        const commits = db.collection<{ events: unknown[] }>(COMMITS_COLLECTION);
        for await (const doc of commits.find().sort({ _id: 1 })) events += doc.events.length;
        return events;
      });
      if (scan.value !== head) throw new Error(`scan saw ${scan.value} events of ${head}`);
      return (head * 1000) / scan.millis;
    };
    const meta = db.collection<{ _id: string; checkpoint: number; collection: string; rebuild?: unknown }>(
      PROJECTIONS_COLLECTION,
    );
    const engine = new ProjectionEngine(db, store, [templatesProjection as unknown as ProjectionDefinition]);
    await engine.init();
    /** Runs the projection until it rests; events/s and the fraction of the raw scan rate. */
    const project = async (name: string, before: () => Promise<unknown>): Promise<number> => {
      const scanRate = await rawScan();
      rows.push({
        name: `raw ordered scan of the commits (before ${name})`,
        value: perSecond(scanRate),
      });
      const run = await timed(async () => {
        await before();
        while (await engine.runOnce('templates'));
      });
      const done = await meta.findOne({ _id: 'templates' });
      if (done?.rebuild || done?.checkpoint !== head)
        throw new Error(`${name} stopped at ${done?.checkpoint}`);
      const docs = await db.collection(done.collection).countDocuments();
      if (docs !== TEMPLATES) throw new Error(`${name}: ${docs} documents, expected ${TEMPLATES}`);
      const runRate = (head * 1000) / run.millis;
      rows.push({
        name: `projection ${name} (templates)`,
        value: `${perSecond(runRate)} (${(runRate / scanRate).toFixed(2)} × raw scan)`,
      });
      return runRate / scanRate;
    };
    // A fresh projection catching up from position 0 into the templates read model.
    await project('catch-up from 0', async () => undefined);
    // A replay: a new collection built from 0 beside the live one, switched when caught up.
    const ratio = await project('replay (rebuild + switch)', () => engine.requestReplay('templates'));
    rows.push({ name: 'target: replay ≥ 0.5 × raw scan', value: ratio >= 0.5 ? 'met' : 'MISSED' });
    const p99 = percentile(latencies, 99);
    rows.push({ name: 'target: append p99 ≤ 5 ms', value: p99 <= 5 ? 'met' : 'MISSED' });
    rows.push({ name: 'load average (1 min) at the end', value: loadavg()[0].toFixed(1) });
  } finally {
    await client.close();
    await server.stop();
  }
  return rows;
}
