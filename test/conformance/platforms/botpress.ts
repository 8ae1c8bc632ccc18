import { botpress } from "../../../lib/platforms/botpress/platform";
import { issueToken, TOKEN_LIFETIME_MS } from "../../../lib/platforms/botpress/jwt";
import { BOTPRESS_LOCAL_DEFAULTS } from "../../../lib/platforms/botpress/settings";
import { defineConformance, type ConformanceContext } from "../contract";

/**
 * Botpress v12 as Business Messenger's "Botpress" integration calls it: a login (email and password in the body →
 * a JWT) and the converse routes, which take that JWT as `Authorization: Bearer`.
 */
const { BOTPRESS_BOT_ID: BOT_ID, BOTPRESS_EMAIL: EMAIL, BOTPRESS_PASSWORD: PASSWORD } = BOTPRESS_LOCAL_DEFAULTS;
const LOGIN = "/api/v1/auth/login/basic/default";

const tokens = new Map<string, string>();
/** Logs in once per API (as Business Messenger does before it converses) and keeps the token. */
async function token({ url }: ConformanceContext): Promise<string> {
  const known = tokens.get(url);
  if (known) return known;
  const res = await fetch(`${url}${LOGIN}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: EMAIL, password: PASSWORD }) });
  const body = (await res.json()) as { payload?: { jwt?: string } };
  if (res.status !== 200 || !body.payload?.jwt) throw new Error(`Botpress login failed: ${res.status} ${JSON.stringify(body)}`);
  tokens.set(url, body.payload.jwt);
  return body.payload.jwt;
}

export const conformance = defineConformance(botpress, {
  endpoints: {
    login: {
      sign: () => ({}),
      forge: () => ({
        "a wrong password": { body: { email: EMAIL, password: "wrong" } },
        "another email": { body: { email: "someone@example.com", password: PASSWORD } },
        "an empty password": { body: { email: EMAIL, password: "" } },
        "no password": { body: { email: EMAIL } },
      }),
      valid: () => ({ body: { email: EMAIL, password: PASSWORD } }),
      status: 200,
      wrongTypes: () => ({
        "email is a number": { email: 42, password: PASSWORD },
        "password is a list": { email: EMAIL, password: [PASSWORD] },
        "password is null": { email: EMAIL, password: null },
      }),
      credential: "none-login",
      redelivery: "stateless",
      why: "the login hands out the credential (email and password are in its body; v12 answers a wrong one 400, not 401) and stores nothing (the token is a signed JWT)",
    },
    converse: {
      sign: async (_raw, ctx) => ({ authorization: `Bearer ${await token(ctx)}` }),
      forge: async (_raw, ctx) => {
        const jwt = await token(ctx);
        const [head, payload] = jwt.split(".");
        const otherKey = issueToken({ email: EMAIL, password: "another-password" }, ctx.rt.clock());
        const expired = issueToken({ email: EMAIL, password: PASSWORD }, ctx.rt.clock() - TOKEN_LIFETIME_MS - 60_000);
        return {
          "a forged signature": { headers: { authorization: `Bearer ${head}.${payload}.${"A".repeat(43)}` } },
          "a token of another key": { headers: { authorization: `Bearer ${otherKey}` } },
          "an expired token": { headers: { authorization: `Bearer ${expired}` } },
          "the token as Basic": { headers: { authorization: `Basic ${jwt}` } },
          "not a JWT": { headers: { authorization: "Bearer not-a-jwt" } },
        };
      },
      valid: ({ unique }) => ({ body: { type: "text", text: "hi" }, params: { botId: BOT_ID, userId: unique("bp-user") } }),
      status: 200,
      wrongTypes: () => ({
        "text is a number": { type: "text", text: 42 },
        "type is a number": { type: 7, text: "hi" },
        "latitude is an object": { type: "location", latitude: { lat: 1 }, longitude: 4.89 },
        "responseData is a list": { type: "response", response: "form", responseData: ["x"] },
      }),
      redelivery: "not-deduplicated",
      why: "v12's converse body carries no message id: each call is a new turn",
    },
  },
});
