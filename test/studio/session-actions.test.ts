import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { recordDeadLetter } from "../../lib/jobs/dead-letter";
import { DEAD_LETTER_KEY } from "../../lib/session/keys";
import { newSession } from "../../lib/session/session";
import { CHAT_COMMAND_NAMES, HELP, OPTIONS } from "../../scripts/chat/index";
import { startLocalSqs, type LocalSqs } from "../../scripts/local-sqs";
import { ReadStore, type StoreTarget } from "../../scripts/sessions/store";
import { startStudio } from "../../scripts/studio/server";
import { ActionError, SessionActions } from "../../scripts/studio/session-actions";
import { startRecordingServer, type RecordingServer } from "../support/recording-server";
import { startTestStore, type TestStore } from "../support/local-dynamo";

/**
 * The session actions the studio and `npm run admin` share, on a real embedded store: sessions are written through
 * lib/session's store and read back through the tools' ReadStore, so they hold whatever the item's stored format.
 */
let t: TestStore;
let store: ReadStore;
let target: StoreTarget;

beforeAll(async () => {
  t = await startTestStore();
  target = { endpoint: t.store.endpoint, region: "eu-central-1", tables: { sessions: t.tables.SESSIONS_TABLE, events: t.tables.EVENTS_TABLE }, source: "the local stack", localCredentials: true };
  store = new ReadStore(target);
});
afterAll(async () => {
  store.close();
  await t.close();
});

async function humanHeld(conversationId: string): Promise<string> {
  const rt = t.runtime();
  const now = Date.now();
  const session = { ...newSession("bm", conversationId, now), version: 1, handover: { status: "human" as const, since: now, target: "liveperson" }, history: [{ role: "user" as const, text: "agent", at: now }], expiresAt: Math.floor(now / 1000) + 3600 };
  expect(await rt.sessions.save(session, 0)).toBe("saved");
  return session.pk;
}

test("hand back: the bot holds the conversation again (version + 1, history kept, an event); twice is a 409", async () => {
  const pk = await humanHeld("held-1");
  const actions = new SessionActions(store);
  await actions.handBack(pk);
  const after = await store.getSession(pk);
  expect(after).toMatchObject({ version: 2, handover: { status: "bot" }, history: [{ role: "user", text: "agent" }] });
  expect((await store.events(pk, 10)).map((e) => e.type)).toEqual(["studio.handback"]);
  await expect(actions.handBack(pk)).rejects.toMatchObject({ status: 409, message: `${pk} is already with the bot` });
  await expect(actions.handBack("conv#bm#missing")).rejects.toBeInstanceOf(ActionError);
});

test("reset deletes the session (the next message starts afresh); a missing one is a 404", async () => {
  const pk = await humanHeld("held-2");
  const actions = new SessionActions(store);
  await actions.reset(pk);
  expect(await store.getSession(pk)).toBeUndefined();
  await expect(actions.reset(pk)).rejects.toMatchObject({ status: 404 });
});

test("against a deployed stage's tables every action is refused unless writes were asked for", async () => {
  const pk = await humanHeld("held-3");
  const deployed = new ReadStore({ ...target, source: "AWS" });
  try {
    await expect(new SessionActions(deployed).handBack(pk)).rejects.toMatchObject({ status: 403, message: expect.stringContaining("read-only unless asked (--write)") });
    await expect(new SessionActions(deployed).reset(pk)).rejects.toMatchObject({ status: 403 });
    expect((await store.getSession(pk))?.handover.status).toBe("human");
    await new SessionActions(deployed, { allowWrites: true }).handBack(pk);
    expect((await store.getSession(pk))?.handover.status).toBe("bot");
  } finally {
    deployed.close();
  }
});

describe("redrive", () => {
  let worker: RecordingServer;
  let sqs: LocalSqs;
  beforeAll(async () => {
    worker = await startRecordingServer((_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end('{"batchItemFailures":[]}'));
    sqs = await startLocalSqs({ host: "127.0.0.1", invokeUrl: `${worker.url}/invoke`, queueName: "studio-test-jobs.fifo", warn: () => undefined });
  });
  afterAll(async () => {
    await sqs.close();
    await worker.close();
  });

  test("a dead-lettered job goes to the job queue again under a new deduplication id, and the redrive is recorded", async () => {
    const job = { kind: "twoway.reply", group: "twoway#dead-1", dedupeId: "m-1", payload: { text: "hi" } };
    await recordDeadLetter(t.runtime(), job, new Error("CM answered 500"));
    const actions = new SessionActions(store, { jobsQueueUrl: sqs.queueUrl });
    const [letter] = await actions.deadLetters();
    expect(letter).toMatchObject({ type: "job.dead_letter", data: { job, error: "Error: CM answered 500" } });

    const sent = await actions.redrive(letter!.sk);
    expect(sent).toMatchObject({ kind: "twoway.reply", group: "twoway#dead-1", payload: { text: "hi" }, dedupeId: expect.stringMatching(/^m-1#redrive-\d+$/) });
    await sqs.drain();
    const records = worker.requests.flatMap((r) => (JSON.parse(r.body) as { Records: Array<{ body: string }> }).Records.map((x) => JSON.parse(x.body)));
    expect(records).toEqual([expect.objectContaining({ kind: "twoway.reply", group: "twoway#dead-1", dedupeId: sent.dedupeId })]);
    expect((await store.events(DEAD_LETTER_KEY, 10)).map((e) => e.type)).toEqual(["job.dead_letter", "job.redriven"]);

    await expect(actions.redrive("no-such-key")).rejects.toMatchObject({ status: 404 });
    await expect(new SessionActions(store).redrive(letter!.sk)).rejects.toMatchObject({ status: 400, message: expect.stringContaining("no job queue known") });
  });
});

test("`npm run chat -- --help` documents every option and in-chat command", () => {
  for (const name of Object.keys(OPTIONS)) expect(HELP).toContain(`--${name}`);
  for (const command of CHAT_COMMAND_NAMES) expect(HELP).toMatch(new RegExp(`^  ${command}\\b`, "m"));
  const run = spawnSync(join(__dirname, "..", "..", "node_modules", ".bin", "tsx"), ["scripts/chat/index.ts", "--help"], { cwd: join(__dirname, "..", ".."), encoding: "utf8" });
  expect(run.status).toBe(0);
  expect(run.stdout.trim()).toBe(HELP);
});

test("the studio on a deployed stage's tables (npm run admin -- studio --stage s): sessions readable, actions refused without --write, no chat", async () => {
  const pk = await humanHeld("held-4");
  const studio = await startStudio({ host: "127.0.0.1", port: 0, store: { ...target, source: "AWS" }, allowWrites: false });
  try {
    const api = `${studio.url}/api`;
    const json = async (res: Response) => [res.status, await res.json()];
    expect(await json(await fetch(`${api}/info`))).toEqual([200, expect.objectContaining({ chat: false, desk: false, writable: false })]);
    const [status, rows] = await json(await fetch(`${api}/sessions`));
    expect(status).toBe(200);
    expect(rows).toContainEqual(expect.objectContaining({ pk, handover: "human" }));
    const [detailStatus, detail] = await json(await fetch(`${api}/sessions/${encodeURIComponent(pk)}`));
    expect([detailStatus, detail.session.history]).toEqual([200, [expect.objectContaining({ role: "user", text: "agent" })]]);
    const handback = await fetch(`${api}/sessions/${encodeURIComponent(pk)}/handback`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(await json(handback)).toEqual([403, { error: expect.stringContaining("read-only unless asked (--write)") }]);
    expect((await store.getSession(pk))?.handover.status).toBe("human");
    expect(await json(await fetch(`${api}/conversations`))).toEqual([409, { error: expect.stringContaining("the chat needs `npm start`") }]);
  } finally {
    await studio.close();
  }
});
