import { liveperson } from "../../../lib/platforms/liveperson/platform";
import { signLivePersonBody } from "../../../lib/platforms/liveperson/verify";
import { ACCOUNT, conversationNotification } from "../../platforms/liveperson/fixtures";
import { seedLivePersonHandover } from "../../support/liveperson-handover";
import { defineConformance, type ConformanceContext } from "../contract";

/**
 * LivePerson's Connector API webhook: `x-liveperson-signature` (sha1=, base64 HMAC of the raw body with the client
 * secret), `x-liveperson-client-id` and `x-liveperson-account-id`. A conversation change is deduplicated by its
 * time; the valid request is an agent joining a conversation handed over from a Business Messenger chat.
 */
const CLIENT_ID = "lp-client";
const CLIENT_SECRET = "lp-secret";
const headers = (raw: Buffer, secret = CLIENT_SECRET) => ({ "x-liveperson-signature": signLivePersonBody(raw, secret), "x-liveperson-client-id": CLIENT_ID, "x-liveperson-account-id": ACCOUNT });

/** A Business Messenger chat handed over to a fresh LivePerson conversation; returns that conversation's id. */
async function seedHandover({ rt, unique }: ConformanceContext): Promise<string> {
  const lpConversationId = unique("lp-conv");
  await seedLivePersonHandover(rt, lpConversationId, unique("bm-dialog"));
  return lpConversationId;
}

export const conformance = defineConformance(liveperson, {
  // LP_CSDS_URL is the discard port: nothing here may call LivePerson.
  env: { LP_ACCOUNT_ID: ACCOUNT, LP_CLIENT_ID: CLIENT_ID, LP_CLIENT_SECRET: CLIENT_SECRET, LP_CSDS_URL: "http://127.0.0.1:9" },
  endpoints: {
    webhook: {
      sign: (raw) => headers(raw),
      forge: (raw) => {
        const right = headers(raw);
        return {
          "another secret": { headers: headers(raw, "not-the-secret") },
          "the signature of another body": { headers: { ...right, "x-liveperson-signature": signLivePersonBody(Buffer.concat([raw, Buffer.from("\n")]), CLIENT_SECRET) } },
          "sha256 instead of sha1": { headers: { ...right, "x-liveperson-signature": signLivePersonBody(raw, CLIENT_SECRET, "sha256") } },
          "another client id": { headers: { ...right, "x-liveperson-client-id": "someone-else" } },
          "no account id": { headers: { "x-liveperson-signature": right["x-liveperson-signature"], "x-liveperson-client-id": CLIENT_ID } },
        };
      },
      valid: async (ctx) => ({ body: conversationNotification(await seedHandover(ctx), { state: "OPEN", ts: ctx.rt.clock(), roles: ["ASSIGNED_AGENT"] }) }),
      status: 200,
      wrongTypes: (valid) => {
        const body = valid as ReturnType<typeof conversationNotification>;
        const [change] = body.body.changes;
        return {
          "type is a number": { ...body, type: 7 },
          "body.changes is an object": { ...body, body: { changes: change } },
          "a change's result is a string": { ...body, body: { changes: [{ ...change, result: "x" }] } },
          "convId is a list": { ...body, body: { changes: [{ ...change, result: { ...change!.result, convId: [change!.result.convId] } }] } },
        };
      },
    },
  },
});
