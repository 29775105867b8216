import { DEFAULT_MAX_UPLOAD_BYTES } from '@event-photos/core';
import { openApiDocument } from '@event-photos/core/openapi';
import type { ServerlessApp } from '#lib/serverless-functions';

/** The OpenAPI document of serverless.yml's HTTP routes, with the upload limit its functions get. */
export function openApiOf(app: ServerlessApp): ReturnType<typeof openApiDocument> {
  const limits = [...app.functions.values()].map((fn) => fn.environment['MAX_UPLOAD_BYTES']).filter((value) => value !== undefined);
  const maxUploadBytes = limits.length ? Number(limits[0]) : DEFAULT_MAX_UPLOAD_BYTES;
  return openApiDocument(
    app.routes.map(({ method, path, functionName, authorizer }) => ({ method, path, functionName, authorized: authorizer !== undefined })),
    { maxUploadBytes },
  );
}
