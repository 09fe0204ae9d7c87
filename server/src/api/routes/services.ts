// The service catalog (core/services.ts), for any valid key: auth types, placements, base URL, hosts, the test call
// and connector operations.
import { SERVICES } from '../../core/services';
import { type ApiModule, defineRoute } from '../context';
import { OPERATIONS } from '../../core/operations';
import * as EX from '../openapiExamples';

const body = JSON.stringify(SERVICES);

export const servicesModule: ApiModule = {
  routes: {
    listServices: defineRoute({
      description:
        'The services a credential can be for: how each is authenticated, where the value goes, the hosts it is sent to, the test call and the connector operations (workflow node types).',
      examples: { response: EX.SERVICES_EXAMPLE },
      responses: { 200: { description: 'The service catalog', schema: OPERATIONS.listServices.response } },
      handler: () => ({ status: 200, raw: body }),
    }),
  },
};
