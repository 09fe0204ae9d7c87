// The service catalog (core/services.ts), for any valid key: auth types, placements, base URL, hosts, the test call
// and connector operations.
import { z } from 'zod';
import { SERVICES } from '../../core/services';
import { type ApiModule, defineRoute } from '../context';

const placement = z.object({
  header: z.object({ name: z.string(), prefix: z.string() }).optional(),
  query: z.object({ param: z.string() }).optional(),
});

export const ServiceSchema = z.object({
  id: z.string(),
  name: z.string(),
  authTypes: z.array(z.enum(['apiKey', 'bearer'])),
  defaultPlacement: placement,
  baseUrl: z.string(),
  hosts: z.array(z.string()),
  test: z.object({ method: z.string(), path: z.string() }),
  operations: z.array(
    z.object({
      id: z.string(),
      summary: z.string(),
      method: z.string(),
      path: z.string(),
      params: z.array(z.object({ name: z.string(), required: z.boolean().optional(), description: z.string() })),
    }),
  ),
  docs: z.string().optional(),
});

const body = JSON.stringify(SERVICES);

export const servicesModule: ApiModule = {
  routes: {
    listServices: defineRoute({
      responses: { 200: { description: 'The service catalog', schema: z.array(ServiceSchema) } },
      handler: () => ({ status: 200, raw: body }),
    }),
  },
};
