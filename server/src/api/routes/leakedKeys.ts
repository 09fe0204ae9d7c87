// The public leaked-key report (see ../leakedKeys.ts): always 202 `{received: n}` for a well-formed report, 400 for a
// malformed one, 429 past the per-address limit.
import { LeakedKeysReceiptSchema, LeakedKeysReportSchema } from '../../core/apiSchemas';
import { type App, type ApiModule, defineRoute } from '../context';
import { LeakedKeyQueue } from '../leakedKeys';
import { FailedAuthLimiter } from '../limiter';
import { ApiError } from '../problem';
import * as EX from '../openapiExamples';

// The limiter is the failed-auth one (a per-address counter over a window), counting reports instead of failures.
const state = new WeakMap<App, { queue: LeakedKeyQueue; limiter: FailedAuthLimiter }>();

export const leakedKeysModule: ApiModule = {
  async init(app) {
    const queue = new LeakedKeyQueue(app);
    state.set(app, { queue, limiter: new FailedAuthLimiter(app.leakReportLimit, 60_000) });
    app.onClose(() => queue.close());
  },
  routes: {
    reportLeakedKeys: defineRoute({
      description:
        'Report keys found where they should not be (a public repository, a paste, a log). No key needed. Every valid, live key of this server in the report is revoked; the answer is the same whatever the keys are.',
      examples: { request: EX.LEAK_REPORT, response: { received: 1 } },
      body: LeakedKeysReportSchema,
      responses: {
        202: {
          description:
            'Received. The same answer whatever the keys are — live, revoked, expired, someone else’s or not keys at all — so a report cannot be used to test keys. Each valid, live key of this server in it is revoked within moments and audited as `key.leaked` with the source',
          schema: LeakedKeysReceiptSchema,
        },
        429: {
          description:
            '`too_many_reports`: more reports from this address than the limit allows per minute (see Retry-After)',
        },
      },
      handler({ app, body, ip }) {
        const s = state.get(app)!;
        const now = Date.now();
        const wait = s.limiter.retryAfter(ip, now);
        s.limiter.fail(ip, now);
        if (wait > 0)
          throw new ApiError(429, 'too_many_reports', `too many leaked-key reports from ${ip}; retry in ${wait} s`, {
            headers: { 'retry-after': String(wait) },
          });
        s.queue.accept(body.keys, body.source, ip);
        return { status: 202, body: { received: body.keys.length } };
      },
    }),
  },
};
