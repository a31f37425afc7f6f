/* Runs every benchmark and prints one table; the figures go into the README. */
import 'reflect-metadata';
import { cpus, totalmem } from 'node:os';
import { BenchRow, ensureMongo } from './bench-mongo';

type Bench = { title: string; run: () => Promise<BenchRow[]> };

async function load(): Promise<Bench[]> {
  const benches: Bench[] = [];
  const { benchEventStore } = await import('./event-store.bench');
  const { benchHostFactory } = await import('./host-factory.bench');
  const { benchDelivery } = await import('./delivery.bench');
  const { benchAwsProvision } = await import('./aws-provision.bench');
  const { benchAwsFlow } = await import('./aws-flow.bench');
  benches.push(
    { title: 'event store and projections', run: benchEventStore },
    { title: 'host factory calls', run: benchHostFactory },
    { title: 'cloudevents delivery', run: benchDelivery },
    { title: 'aws provider on moto', run: benchAwsProvision },
    { title: 'aws flow through the service on moto', run: benchAwsFlow },
  );
  return benches;
}

async function main(): Promise<void> {
  const only = process.argv[2];
  const stopMongo = await ensureMongo();
  console.log(
    `machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  );
  for (const bench of await load()) {
    if (only && !bench.title.includes(only)) continue;
    console.log(`\n## ${bench.title}`);
    const rows = await bench.run();
    const width = Math.max(...rows.map((r) => r.name.length));
    for (const row of rows) console.log(`| ${row.name.padEnd(width)} | ${row.value} |`);
  }
  await stopMongo();
  process.exit(0);
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
