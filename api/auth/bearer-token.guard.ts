import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { APP_CONFIG, AppConfig } from '../../infrastructure/config/app-config';
import { problem } from '../problem/problem-details';
import { PUBLIC_KEY, ROLES_KEY, Role } from './roles.decorator';

/**
 * Bearer tokens, kept as sha256 hashes in configuration and compared in constant time. With no
 * tokens configured the service binds to loopback only (see main) and lets every local caller in.
 */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  private readonly hashes: { hash: Buffer; role: Role }[];

  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.hashes = config.tokens.map((t) => ({ hash: Buffer.from(t.sha256, 'hex'), role: t.role }));
  }

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    if (this.hashes.length === 0) return true;
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match)
      throw new UnauthorizedException(problem(401, 'a bearer token is required (Authorization: Bearer …)'));
    const presented = createHash('sha256').update(match[1]).digest();
    // Every configured hash is compared, so the time taken does not say which one matched.
    let role: Role | undefined;
    for (const entry of this.hashes)
      if (timingSafeEqual(entry.hash, presented)) role = role === 'admin' ? role : entry.role;
    if (!role) throw new UnauthorizedException(problem(401, 'the bearer token is not valid'));
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? ['admin'];
    if (role !== 'admin' && !allowed.includes(role))
      throw new ForbiddenException(problem(403, `this call needs the ${allowed.join(' or ')} role`));
    return true;
  }
}
