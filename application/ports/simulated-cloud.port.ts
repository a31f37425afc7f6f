/** Admin control of the built-in simulated cloud: reclaim or terminate instances on command. */
export interface SimulatedCloudControl {
  reclaim(machineIds: string[]): Promise<string[]>;
  terminate(machineIds: string[]): Promise<string[]>;
}

export const SIMULATED_CLOUD_CONTROL = Symbol('SimulatedCloudControl');
