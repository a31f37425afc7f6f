import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

/*
 * Host Factory's request bodies, exactly; LSF's resource connector adds rc_account and userData.
 * Decorators register bottom-up and the problem names the first failed check: the type check is
 * written last on purpose, so `"machineCount": "3"` is "a whole number", not "at most 10000".
 */
export class TemplateRequestDto {
  @IsDefined({ message: 'template.templateId is required' })
  @Matches(/^[0-9A-Za-z_-]{1,64}$/, {
    message: 'template.templateId must be at most 64 characters of [0-9A-Za-z_-]',
  })
  @IsString({ message: 'template.templateId must be a string' })
  templateId!: string;

  @IsDefined({ message: 'machineCount is required' })
  @Max(10000, { message: 'machineCount must be at most 10000' })
  @Min(1, { message: 'machineCount must be at least 1' })
  @IsInt({ message: 'machineCount must be a whole number' })
  machineCount!: number;

  @IsOptional()
  @MaxLength(256)
  @IsString()
  rc_account?: string;

  @IsOptional()
  @IsObject()
  userData?: Record<string, unknown>;
}

export class RequestMachinesDto {
  @IsDefined({ message: 'template is required' })
  @IsObject({ message: 'template must be an object' })
  @ValidateNested()
  @Type(() => TemplateRequestDto)
  template!: TemplateRequestDto;
}

export class MachineRefDto {
  @ValidateIf((m: MachineRefDto) => m.machineId === undefined)
  @MaxLength(255)
  @IsNotEmpty({ message: 'name must not be empty' })
  @IsString({ message: 'name is required when machineId is absent' })
  name?: string;

  @ValidateIf((m: MachineRefDto) => m.name === undefined || m.machineId !== undefined)
  @MaxLength(64)
  @IsNotEmpty({ message: 'machineId must not be empty' })
  @IsString({ message: 'machineId must be a string' })
  machineId?: string;
}

export class ReturnMachinesDto {
  @IsDefined({ message: 'machines is required' })
  @ValidateNested({ each: true })
  @Type(() => MachineRefDto)
  @ArrayMaxSize(10000)
  @IsArray({ message: 'machines must be a list' })
  machines!: MachineRefDto[];
}

export class ListedMachinesDto {
  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => MachineRefDto)
  @ArrayMaxSize(20000)
  @IsArray({ message: 'machines must be a list' })
  machines?: MachineRefDto[];
}

export class RequestIdDto {
  @IsDefined({ message: 'requestId is required' })
  @MaxLength(128)
  @IsNotEmpty({ message: 'requestId must not be empty' })
  @IsString({ message: 'requestId must be a string' })
  requestId!: string;
}

export class RequestStatusDto {
  @IsDefined({ message: 'requests is required' })
  @ValidateNested({ each: true })
  @Type(() => RequestIdDto)
  @ArrayMaxSize(1000)
  @ArrayMinSize(1, { message: 'requests must name at least one request' })
  @IsArray({ message: 'requests must be a list' })
  requests!: RequestIdDto[];
}

/** getAvailableTemplates takes `{}`. */
export class EmptyDto {}
