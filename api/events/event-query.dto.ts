import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';

/** Which events to see; checked in depth (known types, filter grammar) by the query. */
export class EventSelectionDto {
  @ApiPropertyOptional({ description: 'Events after this log position (the `sequence` attribute)' })
  @IsOptional()
  @IsString()
  after?: string;

  @ApiPropertyOptional({ description: 'An event type, or a comma-separated list' })
  @IsOptional()
  @IsString()
  type?: string;

  @ApiPropertyOptional({ description: 'Same as type' })
  @IsOptional()
  @IsString()
  types?: string;

  @ApiPropertyOptional({ description: 'Exact subject (the aggregate id: a request, machine or template id)' })
  @IsOptional()
  @IsString()
  subject?: string;

  @ApiPropertyOptional({
    description:
      'JSON: a Subscriptions API filter expression or an array of them, e.g. {"prefix":{"type":"io.openhostfactory.machine."}}',
  })
  @IsOptional()
  @IsString()
  filter?: string;
}

export class EventPageDto extends EventSelectionDto {
  @ApiPropertyOptional({ description: 'Events per page, 1 to 1000 (default 100)' })
  @IsOptional()
  @IsString()
  limit?: string;
}
