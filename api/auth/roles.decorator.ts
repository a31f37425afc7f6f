import { SetMetadata } from '@nestjs/common';

export type Role = 'hostfactory' | 'admin';
export const ROLES_KEY = 'ohf:roles';
export const PUBLIC_KEY = 'ohf:public';

/** Roles allowed to call a controller or route; `admin` may call everything. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** No token needed (health probes). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
