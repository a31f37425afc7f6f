import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
} from 'class-validator';

const MACHINE_STATES = [
  'pending',
  'running',
  'returning',
  'releasing',
  'terminated',
  'failed',
  'lost',
  'reclaimed',
];
const REQUEST_STATES = ['accepted', 'provisioning', 'complete', 'complete_with_error'];

export class ListRequestsParams {
  @IsOptional()
  @IsIn(REQUEST_STATES, { message: `status must be one of ${REQUEST_STATES.join(', ')}` })
  status?: string;

  @IsOptional()
  @IsIn(['acquire', 'return'], { message: 'kind must be acquire or return' })
  kind?: 'acquire' | 'return';

  @IsOptional()
  @IsString()
  @Matches(/^[0-9A-Za-z_-]{1,64}$/)
  templateId?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class ListMachinesParams {
  @IsOptional()
  @IsIn(MACHINE_STATES, { message: `state must be one of ${MACHINE_STATES.join(', ')}` })
  state?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[0-9A-Za-z_-]{1,64}$/)
  templateId?: string;

  @IsOptional()
  @IsString()
  requestId?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(10000)
  limit?: number;
}

export class MachineIdsDto {
  // Listed bottom-up: the list check registers (and is reported) first; `each` alone would take a
  // bare string for a one-element list and hand it on to the database.
  @IsDefined({ message: 'machineIds is required' })
  @Matches(/^i-[0-9a-f]{8,17}$/, { each: true, message: 'machineIds must be a list of instance ids (i-…)' })
  @IsString({ each: true, message: 'machineIds must be a list of instance ids' })
  @ArrayMaxSize(1000)
  @IsArray({ message: 'machineIds must be a list of instance ids' })
  machineIds!: string[];
}
