import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** The names of the commands sent through `doc` from now on, in order (GetItemCommand, PutItemCommand, …). */
export function recordCommands(doc: DynamoDBDocumentClient): string[] {
  const commands: string[] = [];
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: "initialize", name: "recordCommands" },
  );
  return commands;
}
