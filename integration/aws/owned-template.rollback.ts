import { DeleteLaunchTemplateCommand } from '@aws-sdk/client-ec2';
import { isTransient } from './aws-error.mapper';
import type { AwsContext } from './aws-context';
import type { LaunchTemplateRef } from './launch-template.builder';

/**
 * Runs the create that uses a launch template we just made. If AWS refuses it for good (bad
 * parameters, no permission), the service records no resource for the request, so the template
 * would be left behind: delete it. After a transient failure it stays, for the retry to adopt.
 */
export async function launchOrRollBack<T>(
  ctx: AwsContext,
  launchTemplate: LaunchTemplateRef,
  create: () => Promise<T>,
): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if (launchTemplate.owned && !isTransient(error)) {
      await ctx.aws
        .mutate((abortSignal) =>
          ctx.clients.ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: launchTemplate.id }), {
            abortSignal,
          }),
        )
        .catch(() => undefined);
    }
    throw error;
  }
}
