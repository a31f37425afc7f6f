import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { METRICS_EXPOSITION, MetricsExposition } from '../../application/ports/metrics.port';
import { Roles } from '../auth/roles.decorator';

/** Prometheus scrape endpoint (text format 0.0.4); with tokens configured, scrape with an admin token. */
@ApiTags('metrics')
@ApiBearerAuth()
@Roles('admin')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS_EXPOSITION) private readonly exposition: MetricsExposition) {}

  @Get()
  @ApiProduces('text/plain')
  async scrape(@Res() res: Response): Promise<void> {
    const text = await this.exposition.render();
    // Written as is: express would reorder the content type's parameters.
    res.status(200).setHeader('Content-Type', this.exposition.contentType);
    res.end(text);
  }
}
