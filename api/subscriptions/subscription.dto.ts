import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, IsArray, IsIn, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';

/**
 * The Subscriptions API subscription object as a client sends it. These classes refuse unknown
 * fields and wrong shapes by name; the domain parser checks the rest (sink URL and allow-list,
 * filter dialects, header names, known event types).
 */
export class HttpProtocolSettingsDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsObject()
  headers?: Record<string, string>;

  @ApiPropertyOptional({ enum: ['POST', 'PUT'], default: 'POST' })
  @IsOptional()
  @IsIn(['POST', 'PUT'])
  method?: 'POST' | 'PUT';

  @ApiPropertyOptional({ enum: ['binary', 'structured'], default: 'binary' })
  @IsOptional()
  @IsIn(['binary', 'structured'])
  contentmode?: 'binary' | 'structured';
}

export class SubscriptionConfigDto {
  @ApiPropertyOptional({
    description: '"now" (default), "beginning", or the position of the first event to deliver',
    oneOf: [{ enum: ['now', 'beginning'] }, { type: 'integer', minimum: 1 }],
  })
  @Allow()
  from?: unknown;
}

export class UpdateSubscriptionDto {
  @ApiPropertyOptional({ description: 'On PUT it must match the path; on POST it is ignored' })
  @IsOptional()
  @IsString()
  id?: string;

  @ApiProperty({ example: 'https://consumer.example.com/events' })
  @IsString()
  sink!: string;

  @ApiProperty({ enum: ['HTTP'] })
  @IsIn(['HTTP'])
  protocol!: 'HTTP';

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  types?: string[];

  @ApiPropertyOptional({
    description: 'Filter expressions: exact, prefix, suffix, all, any, not',
    type: 'array',
    items: { type: 'object' },
  })
  @IsOptional()
  @IsArray()
  @IsObject({ each: true })
  filters?: object[];

  @ApiPropertyOptional({ type: HttpProtocolSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => HttpProtocolSettingsDto)
  protocolsettings?: HttpProtocolSettingsDto;
}

export class CreateSubscriptionDto extends UpdateSubscriptionDto {
  @ApiPropertyOptional({ type: SubscriptionConfigDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => SubscriptionConfigDto)
  config?: SubscriptionConfigDto;
}
