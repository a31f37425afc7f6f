import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { HEALTH_PROBE, HealthProbe, HealthReport } from '../../application/ports/health.port';
import { Public } from '../auth/roles.decorator';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(HEALTH_PROBE) private readonly probe: HealthProbe) {}

  /** The process answers: nothing else is checked, so a slow database never restarts it. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** MongoDB reachable and projections caught up within the configured lag. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const report = await this.probe.ready();
    if (report.status !== 'ok') res.status(503);
    return report;
  }
}
