import { fromEnv } from '@aws-sdk/credential-provider-env';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

// The endpoint comes from the SDK's own AWS_ENDPOINT_URL_DYNAMODB variable, so the same code
// talks to AWS or to the local emulator. `config` is for tools that talk to a given endpoint.
export function createDocumentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  // Lambda's credentials are in the environment; tools pass their own.
  return DynamoDBDocumentClient.from(new DynamoDBClient({ credentials: fromEnv(), ...config }), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
