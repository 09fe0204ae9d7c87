// The service catalog (core/services.ts), for any valid key: auth types, placements, base URL, hosts, the test call
// and connector operations.
import { SERVICES } from '../../core/services';
import { type ApiModule, defineRoute } from '../context';
import { OPERATIONS } from '../../core/operations';

const body = JSON.stringify(SERVICES);

export const servicesModule: ApiModule = {
  routes: {
    listServices: defineRoute({
      responses: { 200: { description: 'The service catalog', schema: OPERATIONS.listServices.response } },
      handler: () => ({ status: 200, raw: body }),
    }),
  },
};
