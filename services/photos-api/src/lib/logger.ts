import { Logger } from '@aws-lambda-powertools/logger';

// Level comes from POWERTOOLS_LOG_LEVEL (SILENT in tests).
export const logger = new Logger({ serviceName: 'photos-api' });
