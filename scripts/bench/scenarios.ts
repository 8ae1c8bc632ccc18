import { createHash, randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";
import { handler as bmDebug } from "../../functions/bm-debug";
import { handler as bmWebhook } from "../../functions/bm-webhook";
import { handler as engageApi } from "../../functions/engage-api";
import { handler as jobWorker } from "../../functions/job-worker";
import { handler as kommunicateWebhook } from "../../functions/kommunicate-webhook";
import { handler as livepersonWebhook } from "../../functions/liveperson-webhook";
import { handler as twowayMessages } from "../../functions/twoway-messages";
import { localSecrets } from "../../test/support/local-secrets";
import type { Job } from "../../lib/jobs/job";
import { signBmBody } from "../../lib/platforms/business-messenger/verify";
import { signLivePersonBody } from "../../lib/platforms/liveperson/verify";
import { bmDebugReport, bmRequest } from "../../test/platforms/business-messenger/fixtures";
import { kmRequest, kmWelcomeRequest } from "../../test/platforms/kommunicate/fixtures";
import { twDelivery } from "../../test/platforms/twoway/fixtures";
import { apiEvent, lambdaContext, sqsEvent, type HttpRequest } from "./events";
import { minimalHttpHandler, minimalSqsHandler, type KeyOf } from "./minimal";
import { LP, type Stack } from "./setup";

/**
 * One scenario per endpoint: how its platform sends a NEW message in conversation `conv` (the real
 * fixtures of test/platforms/*, signed with the local secrets), and the function handler plus the minimal
 * handler that answer it. A scenario yields one step per measured row (TwoWay: the webhook, then the job
 * turn the webhook queued, run through the job-worker function as SQS would).
 */
export interface Row {
  id: string;
  label: string;
  /** The function in serverless.yml. */
  fn: string;
  /** Why ours and the minimal handler do not do the same store work, when they do not. */
  note?: string;
  /** The bot's own store use (the example bank's account item) adds requests: not judged against 2 / 1. */
  botStore?: boolean;
}

/** A prepared call: the event is built before timing starts; `run` is what is timed. */
export interface Prepared {
  run(): Promise<unknown>;
  check(result: unknown): void;
}

export interface Step {
  row: Row;
  /** Prepare the call again for a duplicate: same message, new event. */
  ours(): Prepared;
  minimal(): Prepared;
}

export interface Scenario {
  id: string;
  rows: Row[];
  /** The next new message of conversation `conv`; `text` overrides the scripted one. */
  next(conv: number, text?: string): Step[];
}

type LambdaHandler = (event: any, context: Context) => Promise<any>;

/** A conversation's user messages, in a loop: every one costs the engine a read and a write (no bot state here touches the account item). */
export const SCRIPT = ["hi", "Products", "Transfer", "25", "Bob", "No", "What are your opening hours?", "menu"] as const;
const BM_CHANNELS = ["Viber", "WhatsApp", "SMS", "RCS"] as const;

function statusCheck(label: string, expected: number, body?: (parsed: any) => boolean) {
  return (result: unknown) => {
    const r = result as { statusCode?: number; body?: string };
    if (r?.statusCode !== expected) throw new Error(`${label}: expected HTTP ${expected}, got ${r?.statusCode} ${r?.body ?? ""}`);
    if (body && !body(r.body ? JSON.parse(r.body) : undefined)) throw new Error(`${label}: unexpected answer ${r.body}`);
  };
}

function httpStep(row: Row, handler: LambdaHandler, minimal: LambdaHandler, request: () => HttpRequest, expected: number, answer?: (parsed: any) => boolean, after?: () => void): Step {
  const req = request();
  const checkOurs = statusCheck(row.label, expected, answer);
  const checkMinimal = statusCheck(`${row.label} (minimal)`, expected);
  const prepared = (h: LambdaHandler, fn: string, check: (r: unknown) => void, then?: () => void): Prepared => {
    const event = apiEvent(req);
    const context = lambdaContext(fn);
    return { run: () => h(event, context), check: (r) => (check(r), then?.()) };
  };
  return { row, ours: () => prepared(handler, row.fn, checkOurs, after), minimal: () => prepared(minimal, `${row.fn}-minimal`, checkMinimal) };
}

/** Per-conversation message counters. */
function counter() {
  const seqs = new Map<number, number>();
  return (conv: number) => {
    const seq = seqs.get(conv) ?? 0;
    seqs.set(conv, seq + 1);
    return seq;
  };
}

/** Where a BM request names its conversation and message (the minimal handler and the bare server). */
export const bmKey: KeyOf = (b) => ({ conversation: b.dialogUuid, messageId: b.message.providerMsgID, text: b.message.body.content ?? "" });

const sha1 = (raw: string) => createHash("sha1").update(raw).digest("hex");

export function scenarios(stack: Stack): Scenario[] {
  const store = stack.minimal;
  const json = "application/json";

  // ---- Business Messenger ----
  const bmRow: Row = { id: "bm-webhook", label: "BM webhook", fn: "bmWebhook" };
  const bmMinimal = minimalHttpHandler(store, "bm", bmKey);
  const bmSeq = counter();
  const bm: Scenario = {
    id: "bm",
    rows: [bmRow],
    next: (conv, text) => {
      const seq = bmSeq(conv);
      const body = bmRequest(
        { content: text ?? SCRIPT[seq % SCRIPT.length]! },
        {
          channel: BM_CHANNELS[conv % BM_CHANNELS.length]!,
          dialogUuid: `bench-bm-${conv}`,
          providerMsgID: randomUUID(),
          from: `4179${String(1_000_000 + conv)}`,
          contact: { uuid: `contact-${conv}`, first_name: "Ana", mobile: `4179${String(1_000_000 + conv)}`, language: "de", email: null },
        },
      );
      const raw = JSON.stringify(body);
      const request = (): HttpRequest => ({
        method: "POST",
        path: "/bm/webhook",
        route: "POST /bm/webhook",
        headers: { "content-type": json, "x-bm-signature": signBmBody(raw, localSecrets.BM_SIGNATURE_KEY) },
        body: raw,
      });
      return [httpStep(bmRow, bmWebhook as LambdaHandler, bmMinimal, request, 200, (a) => Array.isArray(a?.messages) && a.messages.length > 0)];
    },
  };

  const debugRow: Row = { id: "bm-debug", label: "BM debug", fn: "bmDebug", note: "ours records each report in the events table (reports carry no id: nothing to dedupe)" };
  const debugKey: KeyOf = (b, raw) => ({ conversation: b.dialogUuid ?? b.serviceUuid, messageId: sha1(raw), text: String(b.error) });
  const debugMinimal = minimalHttpHandler(store, "bm-debug", debugKey);
  const debugSeq = counter();
  const bmDebugScenario: Scenario = {
    id: "bm-debug",
    rows: [debugRow],
    next: (conv) => {
      const seq = debugSeq(conv);
      const report = { ...bmDebugReport(), dialogUuid: `bench-bm-${conv}`, errors: [{ field: `messages[${seq % 3}].body`, message: `Unknown message type (${randomUUID()})` }] };
      const raw = JSON.stringify(report);
      const request = (): HttpRequest => ({
        method: "POST",
        path: "/bm/debug",
        route: "POST /bm/debug",
        headers: { "content-type": json, "x-bm-signature": signBmBody(raw, localSecrets.BM_SIGNATURE_KEY) },
        body: raw,
      });
      return [httpStep(debugRow, bmDebug as LambdaHandler, debugMinimal, request, 200)];
    },
  };

  // ---- Sinch Engage ----
  const engageKey: KeyOf = (b) => ({ conversation: String(b.sessionId), messageId: String(b.requestId), text: String(b.amount ?? b.accountType ?? "") });
  const engageMinimal = minimalHttpHandler(store, "engage", engageKey);
  const engageNoteMinimal = minimalHttpHandler(store, "engage-note", (b) => ({ conversation: String(b.sessionId), messageId: String(b.requestId), text: String(b.text) }));
  const transferRow: Row = {
    id: "engage-transfer",
    label: "Engage action (transfer)",
    fn: "engageApi",
    note: "the transfer action also reads and writes the account item (bot/accounts.ts)",
    botStore: true,
  };
  const transferSeq = counter();
  const transfer: Scenario = {
    id: "engage-transfer",
    rows: [transferRow],
    next: (conv) => {
      const seq = transferSeq(conv);
      const body = {
        amount: 5 + (seq % 4) * 2.5,
        destination: ["Elon Musk", "Ana", "Bob"][seq % 3],
        accountType: seq % 2 ? "savings_account" : "regular",
        transactionSuccess: "st_ok",
        transactionNoMoney: "st_no",
        userId: `engage-user-${conv}`,
        sessionId: `bench-engage-${conv}`,
        requestId: randomUUID(),
        "internal.channel": "web",
      };
      const raw = JSON.stringify(body);
      const request = (): HttpRequest => ({
        method: "POST",
        path: "/engage/transfer",
        route: "POST /engage/{action}",
        headers: { "content-type": json, authorization: `Bearer ${localSecrets.ENGAGE_API_TOKEN}` },
        body: raw,
        pathParameters: { action: "transfer" },
      });
      return [httpStep(transferRow, engageApi as LambdaHandler, engageMinimal, request, 200, (a) => typeof a?.action?.nextDialogstate === "string")];
    },
  };
  const balanceRow: Row = { id: "engage-balance", label: "Engage action (balance, GET)", fn: "engageApi", note: "the balance action also reads the account item", botStore: true };
  // An action with no store use of its own (setup.ts adds it to the bank's actions): the engine's own cost.
  const noteRow: Row = { id: "engage-note", label: "Engage action (note: session only)", fn: "engageApi" };
  const noteSeq = counter();
  const note: Scenario = {
    id: "engage-note",
    rows: [noteRow],
    next: (conv) => {
      const seq = noteSeq(conv);
      const raw = JSON.stringify({ text: SCRIPT[seq % SCRIPT.length], userId: `engage-user-${conv}`, sessionId: `bench-engage-note-${conv}`, requestId: randomUUID() });
      const request = (): HttpRequest => ({
        method: "POST",
        path: "/engage/note",
        route: "POST /engage/{action}",
        headers: { "content-type": json, authorization: `Bearer ${localSecrets.ENGAGE_API_TOKEN}` },
        body: raw,
        pathParameters: { action: "note" },
      });
      return [httpStep(noteRow, engageApi as LambdaHandler, engageNoteMinimal, request, 200, (a) => a?.session?.namespace === "notes")];
    },
  };
  const balanceSeq = counter();
  const balance: Scenario = {
    id: "engage-balance",
    rows: [balanceRow],
    next: (conv) => {
      const seq = balanceSeq(conv);
      const query = { accountType: seq % 2 ? "savings" : "regular", userId: `engage-user-${conv}`, sessionId: `bench-engage-balance-${conv}`, requestId: randomUUID() };
      const request = (): HttpRequest => ({
        method: "GET",
        path: "/engage/balance",
        route: "GET /engage/{action}",
        headers: { authorization: `Bearer ${localSecrets.ENGAGE_API_TOKEN}` },
        body: "",
        query,
        pathParameters: { action: "balance" },
      });
      return [httpStep(balanceRow, engageApi as LambdaHandler, engageMinimal, request, 200, (a) => a?.session?.namespace === "account")];
    },
  };

  // ---- Kommunicate ----
  const kmRow: Row = { id: "kommunicate", label: "Kommunicate webhook", fn: "kommunicateWebhook" };
  const kmKey: KeyOf = (b) => ({ conversation: String(b.groupId), messageId: String(b.key), text: String(b.message) });
  const kmMinimal = minimalHttpHandler(store, "kommunicate", kmKey);
  const kmSeq = counter();
  const kommunicate: Scenario = {
    id: "kommunicate",
    rows: [kmRow],
    next: (conv, text) => {
      const seq = kmSeq(conv);
      const options = { groupId: `bench-km-${conv}`, key: `5-${randomUUID()}`, from: `km-user-${conv}` };
      // A new conversation starts with Kommunicate's WELCOME event, then the user types.
      const body = seq === 0 && text === undefined ? kmWelcomeRequest(options) : kmRequest({ message: text ?? SCRIPT[seq % SCRIPT.length]!, metadata: {} }, options);
      const raw = JSON.stringify({ ...body, createdAt: Date.now() });
      const request = (): HttpRequest => ({
        method: "POST",
        path: "/kommunicate/webhook",
        route: "POST /kommunicate/webhook",
        headers: { "content-type": json, "x-webhook-secret": localSecrets.KOMMUNICATE_WEBHOOK_SECRET },
        body: raw,
      });
      return [httpStep(kmRow, kommunicateWebhook as LambdaHandler, kmMinimal, request, 200, (a) => Array.isArray(a) && a.length > 0)];
    },
  };

  // ---- CM.com TwoWay: the webhook queues the turn; the job-worker function runs it ----
  const twRow: Row = {
    id: "twoway-webhook",
    label: "TwoWay messages webhook",
    fn: "twowayMessages",
    note: "ours queues the turn as a job (captured in memory here; an SQS SendMessage when deployed)",
  };
  const twJobRow: Row = { id: "twoway-job", label: "TwoWay job turn (job worker)", fn: "jobWorker", note: "both POST the reply to a loopback CM stand-in" };
  const twKey: KeyOf = (b) => ({ conversation: String(b.chat.id), messageId: String(b.conversationMessages[0].id), text: String(b.conversationMessages[0].text) });
  const twJobKey: KeyOf = (job) => ({ conversation: job.payload.turn.conversationId, messageId: job.payload.turn.messageId, text: job.payload.turn.message.text ?? "" });
  const twMinimal = minimalHttpHandler(store, "twoway", twKey, 201);
  const twJobMinimal = minimalSqsHandler(store, "twoway-job", twJobKey, `${stack.cm.url}/v2/accounts/bench/adapters/minimal`);
  const twSeq = counter();
  const twoway: Scenario = {
    id: "twoway",
    rows: [twRow, twJobRow],
    next: (conv, text) => {
      const seq = twSeq(conv);
      const delivery = twDelivery({
        chatId: `bench-tw-${conv}`,
        messageId: randomUUID(),
        text: text ?? SCRIPT[seq % SCRIPT.length]!,
        chat: { sessionId: `session-${conv}`, conversationClientId: `003161${String(1_000_000 + conv)}`, conversationClientName: "Ana" },
      });
      const raw = JSON.stringify(delivery);
      const request = (): HttpRequest => ({
        method: "POST",
        path: "/twoway/messages",
        route: "POST /twoway/messages",
        headers: { "content-type": json, "x-webhook-secret": localSecrets.TWOWAY_WEBHOOK_SECRET },
        body: raw,
      });
      // The job the first webhook call queued; a redelivery may queue it again (SQS FIFO dedupes it): kept once.
      let job: Job | undefined;
      const takeJobs = () => {
        job ??= stack.jobs.find((j) => (j.payload as { turn?: { conversationId?: string } }).turn?.conversationId === `bench-tw-${conv}`);
        stack.jobs.length = 0;
      };
      const webhook = httpStep(twRow, twowayMessages as LambdaHandler, twMinimal, request, 201, undefined, takeJobs);
      const theJob = () => {
        if (!job) throw new Error("TwoWay webhook queued no job");
        return job;
      };
      const jobCall = (h: LambdaHandler, fn: string): Prepared => {
        const j = theJob();
        const event = sqsEvent([{ body: JSON.stringify(j), group: j.group, dedupeId: j.dedupeId }]);
        // The job worker's timeout (infra/functions.js): it starts a job only with a job's budget left.
        const context = lambdaContext(fn, 60_000);
        return {
          run: () => h(event, context),
          check: (r) => {
            const failures = (r as { batchItemFailures?: unknown[] })?.batchItemFailures;
            if (!Array.isArray(failures) || failures.length) throw new Error(`TwoWay job failed: ${JSON.stringify(r)}`);
            stack.cm.requests.length = 0;
          },
        };
      };
      const jobStep: Step = { row: twJobRow, ours: () => jobCall(jobWorker as LambdaHandler, twJobRow.fn), minimal: () => jobCall(twJobMinimal, `${twJobRow.fn}-minimal`) };
      return [webhook, jobStep];
    },
  };

  // ---- LivePerson: an agent's message; the webhook queues it and answers 200 at once ----
  const lpRow: Row = { id: "liveperson", label: "LivePerson webhook", fn: "livepersonWebhook", note: "ours queues the change as a job (captured in memory here; an SQS SendMessage when deployed)" };
  const lpKey: KeyOf = (b) => {
    const change = b.body.changes[0];
    return { conversation: String(change.dialogId), messageId: `${change.dialogId}:${change.sequence}`, text: String(change.event.message) };
  };
  const lpMinimal = minimalHttpHandler(store, "liveperson", lpKey);
  const lpSeq = counter();
  const liveperson: Scenario = {
    id: "liveperson",
    rows: [lpRow],
    next: (conv) => {
      const seq = lpSeq(conv);
      const dialogId = `bench-lp-${conv}-0000-4000-8000-000000000000`;
      const notification = {
        kind: "notification",
        type: "ms.MessagingEventNotification",
        body: {
          changes: [
            {
              sequence: seq,
              originatorId: `${LP.accountId}.42`,
              originatorMetadata: { id: `${LP.accountId}.42`, role: "ASSIGNED_AGENT" },
              serverTimestamp: Date.now(),
              dialogId,
              conversationId: dialogId,
              event: { type: "ContentEvent", contentType: "text/plain", message: `Agent answer ${seq}: let me check that for you.` },
            },
          ],
        },
      };
      const raw = JSON.stringify(notification);
      const request = (): HttpRequest => ({
        method: "POST",
        path: "/liveperson/webhook",
        route: "POST /liveperson/webhook",
        headers: {
          "content-type": json,
          "x-liveperson-signature": signLivePersonBody(raw, LP.clientSecret),
          "x-liveperson-client-id": LP.clientId,
          "x-liveperson-account-id": LP.accountId,
        },
        body: raw,
      });
      const clearJobs = () => {
        if (stack.jobs.length === 0) throw new Error("LivePerson webhook queued no job");
        stack.jobs.length = 0;
      };
      return [httpStep(lpRow, livepersonWebhook as LambdaHandler, lpMinimal, request, 200, undefined, clearJobs)];
    },
  };

  return [bm, bmDebugScenario, note, transfer, balance, kommunicate, twoway, liveperson];
}
