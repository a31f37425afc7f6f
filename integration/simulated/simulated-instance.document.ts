/** One instance of the simulated cloud, kept in MongoDB so the "cloud" outlives a service crash. */
export interface SimulatedInstance {
  _id: string;
  requestId: string;
  clientToken: string;
  deploymentId?: string;
  instanceType: string;
  priceType: 'ondemand' | 'spot';
  subnetId: string;
  privateIpAddress: string;
  publicIpAddress?: string;
  name: string;
  launchedAt: Date;
  /** When it stops being pending. */
  readyAt: Date;
  terminatedAt?: Date;
  reclaimDeadline?: Date;
  stateReason?: string;
  tags: Record<string, string>;
}

/** One launch call, by client token: the same token answers the same instances. */
export interface SimulatedLaunch {
  _id: string;
  requestId: string;
  instanceIds: string[];
  at: Date;
}
