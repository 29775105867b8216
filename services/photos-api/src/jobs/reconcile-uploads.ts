import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { deployedLifecycle } from '#lib/lifecycle';
import { logger } from '#lib/logger';
import { objects } from '#lib/object-store';
import { renderer } from '#lib/photo-renderer';
import { photos } from '#lib/photo-store';
import type { Lifecycle } from '#uploads/lifecycle';
import { RECONCILE_LIMITS, type ReconcileLimits, type ReconcileReport, reconcileUploads } from '#uploads/reconcile';

/** The scheduled reconcile job (hourly): see reconcileUploads. */
export const createHandler = (lifecycle: Lifecycle, limits: ReconcileLimits = RECONCILE_LIMITS) =>
  middy<unknown, ReconcileReport>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler((_event, context) => reconcileUploads(lifecycle, limits, () => context.getRemainingTimeInMillis()));

export const handler = createHandler(deployedLifecycle({ photos, objects, renderer }));
