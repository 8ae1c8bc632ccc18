import { localSecrets } from "../../support/local-secrets";
import { businessMessenger } from "../../../lib/platforms/business-messenger/platform";
import { signBmBody } from "../../../lib/platforms/business-messenger/verify";
import { bmDebugReport, bmTextRequest } from "../../platforms/business-messenger/fixtures";
import { defineConformance, type EndpointConformance } from "../contract";

/** Business Messenger: X-BM-Signature, base64(HMAC-SHA512(key, raw body)); the message id is providerMsgID (else a body hash). */
const KEY = localSecrets.BM_SIGNATURE_KEY;
const sign = (raw: Buffer) => ({ "x-bm-signature": signBmBody(raw, KEY) });
const forge = (raw: Buffer) => ({
  "another key": { headers: { "x-bm-signature": signBmBody(raw, "not-the-key") } },
  "the signature of another body": { headers: { "x-bm-signature": signBmBody(Buffer.concat([raw, Buffer.from(" ")]), KEY) } },
  "hex instead of base64": { headers: { "x-bm-signature": signBmBody(raw, KEY, "hex-base64") } },
  "an empty signature": { headers: { "x-bm-signature": "" } },
});

const webhook: EndpointConformance = {
  sign,
  forge,
  valid: ({ unique }) => ({ body: bmTextRequest("hi", { dialogUuid: unique("bm-dialog"), providerMsgID: unique("bm-msg") }) }),
  status: 200,
  wrongTypes: (valid) => {
    const body = valid as ReturnType<typeof bmTextRequest>;
    return {
      "message is a string": { ...body, message: "hi" },
      "message.body is a number": { ...body, message: { ...body.message, body: 5 } },
      "message.body.content is an object": { ...body, message: { ...body.message, body: { content: { text: "hi" } } } },
      "dialogUuid is an object": { ...body, dialogUuid: { id: "x" } },
      "contact is a list": { ...body, contact: [body.contact] },
    };
  },
};

export const conformance = defineConformance(businessMessenger, {
  endpoints: {
    webhook,
    debug: {
      sign,
      forge,
      valid: ({ unique }) => ({ body: { ...bmDebugReport(), dialogUuid: unique("bm-debug") } }),
      status: 200,
      wrongTypes: () => ({}),
      fields: "free-form",
      redelivery: "logged-again",
      why: "a debug report is kept as sent, with no id: each delivery is logged as an event",
    },
  },
});
