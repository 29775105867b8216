import { buildFunctionBundles, type FunctionBundles } from '#lib/function-bundles';
import { functionEnvironment, type LocalEndpoints } from '#lib/function-environment';
import { createJwtAuthorizer } from '#lib/jwt-authorizer';
import { createLambdaRuntime } from '#lib/lambda-runtime';
import { localIntrinsics, localize, readInfra, type Infra, type LocalResources } from '#lib/local-infra';
import { evaluate } from '#lib/serverless-config';
import { readServerlessApp, type FunctionSpec, type ServerlessApp } from '#lib/serverless-functions';

export interface LocalFunctionsOptions {
  /** From prepareLocalFunctions, which needs no emulator (so it can run while they start). */
  prepared: Promise<PreparedFunctions>;
  local: LocalResources & LocalEndpoints;
  /** Added to every function's environment, last. */
  environment?: Record<string, string>;
  onLog?(functionName: string, line: string): void;
}

export type LocalFunctions = Awaited<ReturnType<typeof startLocalFunctions>>;

export interface PreparedFunctions {
  app: ServerlessApp;
  infra: Infra;
  bundles: FunctionBundles;
}

/** Reads both serverless files (infra.serverless.yml unless the caller already has it) and bundles the functions. */
export async function prepareLocalFunctions(root: string, infraRead: Promise<Infra> = readInfra(root)): Promise<PreparedFunctions> {
  const [app, infra] = await Promise.all([readServerlessApp(root), infraRead]);
  return { app, infra, bundles: await buildFunctionBundles(app) };
}

/**
 * The functions of serverless.yml against the emulators: each runs in its own Lambda-like
 * instances with the environment serverless.yml declares, its imports from the infra stack
 * evaluated against infra.serverless.yml's own Outputs. Also the S3 triggers and JWT authorizers,
 * evaluated the same way. Used by the local stack, and by scripts that invoke a function of a
 * running stack (`npm run reconcile`).
 */
export async function startLocalFunctions(options: LocalFunctionsOptions) {
  const { local } = options;
  const { app, infra, bundles } = await options.prepared;
  const intrinsics = localIntrinsics(infra, local);
  const specOf = (functionName: string): FunctionSpec => {
    const spec = app.functions.get(functionName);
    if (!spec) throw new Error(`serverless.yml declares no function ${functionName}`);
    return spec;
  };
  const environment = (spec: FunctionSpec) => functionEnvironment(spec, intrinsics, local, options.environment);
  const runtime = createLambdaRuntime(app, {
    region: local.region,
    bundles,
    environment,
    ...(options.onLog ? { onLog: options.onLog } : {}),
  });

  const authorizers = new Map(
    [...app.authorizers].map(([name, spec]) => {
      const issuer = localize(String(evaluate(spec.issuerUrl, intrinsics)), local);
      const audience = ([] as unknown[]).concat(evaluate(spec.audience, intrinsics)).map(String);
      return [name, createJwtAuthorizer({ issuer, audience })] as const;
    }),
  );

  return {
    app,
    invoke: runtime.invoke,
    async close() {
      await runtime.close();
      await bundles.remove();
    },
    /** The environment a function's instances get (the bench runs bundles with it). */
    environmentOf: (functionName: string) => environment(specOf(functionName)),
    /** The S3 triggers, with their bucket evaluated. */
    s3Triggers: app.s3Triggers.map((trigger) => ({ ...trigger, bucket: String(evaluate(trigger.bucket, intrinsics)) })),
    /** Verifies a bearer token with the named authorizer of serverless.yml; null means 401. */
    authorize(authorizerName: string, authorization: string | undefined) {
      const authorize = authorizers.get(authorizerName);
      if (!authorize) throw new Error(`serverless.yml declares no authorizer ${authorizerName}`);
      return authorize(authorization);
    },
  };
}
