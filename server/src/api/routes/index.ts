// Every API area's route module, in one list. Each module implements some operationIds of THE route table
// (core/routes.ts); the router, the OpenAPI document and the tests read the same table. To add an area (e.g.
// credentials.ts, services.ts): export an ApiModule from routes/<area>.ts and append it here.
import type { ApiModule } from '../context';
import { apiKeysModule } from './apiKeys';
import { auditModule } from './audit';
import { credentialsModule } from './credentials';
import { executionsModule } from './executions';
import { leakedKeysModule } from './leakedKeys';
import { oauth2Module } from './oauth2';
import { servicesModule } from './services';
import { systemModule } from './system';
import { workflowsModule } from './workflows';

export const MODULES: ApiModule[] = [
  systemModule,
  apiKeysModule,
  workflowsModule,
  executionsModule,
  auditModule,
  credentialsModule,
  oauth2Module,
  servicesModule,
  leakedKeysModule,
];
