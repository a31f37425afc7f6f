import type {
  HandlerExecutionContext,
  InitializeHandler,
  InitializeHandlerArguments,
  MetadataBearer,
} from '@smithy/types';
import type { AwsClients } from './aws-clients';

export type AwsCallListener = (api: string, outcome: string, seconds: number) => void;

const elapsed = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e9;

function timing<I extends object, O extends MetadataBearer>(listener: AwsCallListener) {
  return (next: InitializeHandler<I, O>, context: HandlerExecutionContext) =>
    async (args: InitializeHandlerArguments<I>) => {
      const started = process.hrtime.bigint();
      const api = context.commandName ?? 'unknown';
      try {
        const result = await next(args);
        listener(api, 'ok', elapsed(started));
        return result;
      } catch (error) {
        listener(api, (error as { name?: string }).name ?? 'error', elapsed(started));
        throw error;
      }
    };
}

/**
 * Reports every AWS API call the clients make (each retry is a call) with its outcome: `ok` or
 * AWS's error name (Throttling, InsufficientInstanceCapacity, UnauthorizedOperation…).
 */
export function reportAwsCalls(clients: AwsClients, listener: AwsCallListener): void {
  const options = { step: 'initialize' as const, name: 'ohfAwsCallMetrics', override: true };
  clients.ec2.middlewareStack.add(timing(listener), options);
  clients.autoScaling.middlewareStack.add(timing(listener), options);
  clients.ssm.middlewareStack.add(timing(listener), options);
}
