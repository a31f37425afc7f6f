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

/** Host Factory's request bodies, exactly; LSF's resource connector adds rc_account and userData. */
export class TemplateRequestDto {
  @IsString()
  @Matches(/^[0-9A-Za-z_-]{1,64}$/, {
    message: 'template.templateId must be at most 64 characters of [0-9A-Za-z_-]',
  })
  templateId!: string;

  @IsInt({ message: 'machineCount must be a whole number' })
  @Min(1, { message: 'machineCount must be at least 1' })
  @Max(10000, { message: 'machineCount must be at most 10000' })
  machineCount!: number;

  @IsOptional()
  @IsString()
  @MaxLength(256)
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
  @IsString({ message: 'name is required when machineId is absent' })
  @IsNotEmpty()
  @MaxLength(255)
  name?: string;

  @ValidateIf((m: MachineRefDto) => m.name === undefined || m.machineId !== undefined)
  @IsString({ message: 'machineId must be a string' })
  @IsNotEmpty()
  @MaxLength(64)
  machineId?: string;
}

export class ReturnMachinesDto {
  @IsArray({ message: 'machines must be a list' })
  @ArrayMaxSize(10000)
  @ValidateNested({ each: true })
  @Type(() => MachineRefDto)
  machines!: MachineRefDto[];
}

export class ListedMachinesDto {
  @IsOptional()
  @IsArray({ message: 'machines must be a list' })
  @ArrayMaxSize(20000)
  @ValidateNested({ each: true })
  @Type(() => MachineRefDto)
  machines?: MachineRefDto[];
}

export class RequestIdDto {
  @IsString({ message: 'requestId must be a string' })
  @IsNotEmpty({ message: 'requestId must not be empty' })
  @MaxLength(128)
  requestId!: string;
}

export class RequestStatusDto {
  @IsArray({ message: 'requests must be a list' })
  @ArrayMinSize(1, { message: 'requests must name at least one request' })
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => RequestIdDto)
  requests!: RequestIdDto[];
}

/** getAvailableTemplates takes `{}`. */
export class EmptyDto {}
