import type { Db } from 'mongodb';
import type { HealthProbe, HealthReport } from '../../application/ports/health.port';
import type { ProjectionAdmin } from '../../application/ports/read-models.port';

/** Ready = MongoDB answers and every projection is within `maxLag` events of the head. */
export class HealthService implements HealthProbe {
  constructor(
    private readonly db: Db,
    private readonly projections: ProjectionAdmin,
    private readonly maxLag: number,
  ) {}

  async ready(): Promise<HealthReport> {
    const checks = [];
    try {
      await this.db.command({ ping: 1 }, { timeoutMS: 2000 });
      checks.push({ name: 'mongodb', ok: true });
    } catch (error) {
      checks.push({ name: 'mongodb', ok: false, detail: (error as Error).message });
      return { status: 'unavailable', checks };
    }
    for (const p of await this.projections.statuses()) {
      const ok = p.lag <= this.maxLag;
      checks.push({ name: `projection:${p.name}`, ok, detail: `lag ${p.lag} (${p.state})` });
    }
    return { status: checks.every((c) => c.ok) ? 'ok' : 'unavailable', checks };
  }
}
