export interface HealthCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface HealthReport {
  status: 'ok' | 'unavailable';
  checks: HealthCheck[];
}

export interface HealthProbe {
  ready(): Promise<HealthReport>;
}

export const HEALTH_PROBE = Symbol('HealthProbe');
