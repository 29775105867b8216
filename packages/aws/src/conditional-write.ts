import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** The write's answer, or undefined when its condition did not hold; any other error is thrown. */
export async function unlessConditionFails<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}
