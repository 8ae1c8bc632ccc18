import { specification } from "@aws-cdk/cfnspec";
import { packagedService } from "../support/packaged-template";

/**
 * The packaged CloudFormation template (`serverless package --stage prod`) against AWS's CloudFormation resource
 * specification (@aws-cdk/cfnspec 2.72.1): resource types, property names, required properties, literal values'
 * primitive types, and every reference (Ref, Fn::GetAtt, Fn::Sub, DependsOn, Condition) resolving. It catches a
 * typo in serverless.yml or infra/* before CloudFormation does, at deploy time.
 */

interface PropertySpec {
  PrimitiveType?: string;
  Type?: string;
  ItemType?: string;
  PrimitiveItemType?: string;
  // A few properties take one of several types.
  PrimitiveTypes?: string[];
  Types?: string[];
  ItemTypes?: string[];
  PrimitiveItemTypes?: string[];
  Required?: boolean;
}
interface TypeSpec {
  Properties?: Record<string, PropertySpec>;
  Attributes?: Record<string, unknown>;
  PrimitiveType?: string;
}
interface Spec {
  ResourceTypes: Record<string, TypeSpec>;
  PropertyTypes: Record<string, TypeSpec>;
}

/** A (type, property) the template uses that the 2.72.1 specification predates; each says why it is real. */
interface SpecGap {
  type: string;
  property: string;
  why: string;
}

/**
 * Properties AWS added after the specification we check against was published. Keep it short and honest: the
 * test fails when an entry is unused or the specification already has it, so it cannot silently grow.
 * (DynamoDB's DeletionProtectionEnabled, from March 2023, is in 2.72.1 and needs no entry.)
 */
const SPEC_GAPS: readonly SpecGap[] = [];

const PSEUDO_PARAMETERS = ["AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"];
const SECTIONS = ["AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings", "Conditions", "Transform", "Resources", "Outputs"];
const RESOURCE_KEYS = ["Type", "Properties", "DependsOn", "Condition", "DeletionPolicy", "UpdateReplacePolicy", "Metadata", "CreationPolicy", "UpdatePolicy"];
const POLICIES = ["Delete", "Retain", "RetainExceptOnCreate", "Snapshot"];
const FUNCTIONS = ["Ref", "Condition", "Fn::GetAtt", "Fn::Join", "Fn::Sub", "Fn::If", "Fn::Select", "Fn::Split", "Fn::GetAZs", "Fn::ImportValue", "Fn::FindInMap", "Fn::Base64", "Fn::Cidr", "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Fn::Length", "Fn::ToJsonString"];

type Template = Record<string, any>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
/** `{ "Ref": … }`, `{ "Fn::…": … }` or `{ "Condition": "name" }`: one key naming a function. */
const intrinsicName = (v: unknown): string | undefined => {
  if (!isObject(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const key = keys[0]!;
  if (key === "Ref" || key.startsWith("Fn::") || (key === "Condition" && typeof v[key] === "string")) return key;
  return undefined;
};

/** Every problem of `template` against `spec`, as `path: problem`; `gaps` are properties the spec may lack. */
function validateTemplate(template: Template, spec: Spec, gaps: readonly SpecGap[] = SPEC_GAPS): string[] {
  const errors: string[] = [];
  const error = (path: string, problem: string): void => {
    errors.push(`${path}: ${problem}`);
  };
  const resources: Record<string, any> = isObject(template.Resources) ? template.Resources : {};
  const parameters = Object.keys(isObject(template.Parameters) ? template.Parameters : {});
  const conditions = Object.keys(isObject(template.Conditions) ? template.Conditions : {});

  for (const key of Object.keys(template)) if (!SECTIONS.includes(key)) error(key, "not a template section");
  if (!isObject(template.Resources) || Object.keys(resources).length === 0) error("Resources", "missing or empty");

  const checkRef = (path: string, name: unknown, locals: readonly string[] = []) => {
    if (typeof name !== "string") return error(path, `Ref takes a name, got ${JSON.stringify(name)}`);
    if (!(name in resources) && !parameters.includes(name) && !PSEUDO_PARAMETERS.includes(name) && !locals.includes(name)) error(path, `Ref to unknown "${name}"`);
  };
  const checkGetAtt = (path: string, id: string, attribute: string) => {
    const target = resources[id];
    if (!target) return error(path, `Fn::GetAtt of unknown resource "${id}"`);
    if (String(target.Type).startsWith("Custom::")) return;
    const attributes = spec.ResourceTypes[target.Type]?.Attributes ?? {};
    if (!(attribute in attributes)) error(path, `${target.Type} has no attribute "${attribute}" (it has ${Object.keys(attributes).join(", ") || "none"})`);
  };
  const checkCondition = (path: string, name: unknown) => {
    if (typeof name !== "string" || !conditions.includes(name)) error(path, `unknown condition ${JSON.stringify(name)}`);
  };

  /** An intrinsic function: its references; `expected` type-checks Fn::If's branches. */
  const intrinsic = (path: string, fn: string, arg: unknown, expected?: { spec: PropertySpec; type: string }) => {
    const at = `${path}.${fn}`;
    if (!FUNCTIONS.includes(fn)) return error(at, `unknown intrinsic function ${fn}`);
    if (fn === "Ref") return checkRef(at, arg);
    if (fn === "Condition") return checkCondition(at, arg);
    if (fn === "Fn::GetAtt") {
      const [id, ...attribute] = typeof arg === "string" ? arg.split(".") : Array.isArray(arg) ? arg : [];
      if (typeof id !== "string" || attribute.length === 0) return error(at, `takes [logicalId, attribute], got ${JSON.stringify(arg)}`);
      if (attribute.every((a) => typeof a === "string")) checkGetAtt(at, id, attribute.join("."));
      else walk(at, attribute);
      return;
    }
    if (fn === "Fn::Sub") {
      const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
      if (typeof text !== "string" || !isObject(vars)) return error(at, `takes a string or [string, variables]`);
      for (const [, name] of text.matchAll(/\$\{(?!!)([^}]+)\}/g)) {
        const [id, ...attribute] = name!.trim().split(".");
        if (attribute.length && !(id! in vars)) checkGetAtt(at, id!, attribute.join("."));
        else checkRef(at, name!.trim(), Object.keys(vars));
      }
      return walk(at, vars);
    }
    if (fn === "Fn::If") {
      if (!Array.isArray(arg) || arg.length !== 3) return error(at, `takes [condition, ifTrue, ifFalse]`);
      checkCondition(at, arg[0]);
      arg.slice(1).forEach((branch, i) => {
        const branchPath = `${at}[${i + 1}]`;
        if (intrinsicName(branch) === "Ref" && (branch as { Ref: unknown }).Ref === "AWS::NoValue") return;
        if (expected) checkValue(branchPath, branch, expected.spec, expected.type);
        else walk(branchPath, branch);
      });
      return;
    }
    walk(at, arg);
  };

  /** Any value outside a typed property (Json, outputs, conditions): references are checked, types are not. */
  const walk = (path: string, value: unknown): void => {
    const fn = intrinsicName(value);
    if (fn) return intrinsic(path, fn, (value as Record<string, unknown>)[fn]);
    if (Array.isArray(value)) value.forEach((v, i) => walk(`${path}[${i}]`, v));
    else if (isObject(value)) for (const [k, v] of Object.entries(value)) walk(`${path}.${k}`, v);
  };

  const primitive = (path: string, value: unknown, type: string): string | undefined => {
    const ok =
      type === "String" ? typeof value === "string" || typeof value === "number"
      : type === "Integer" || type === "Long" ? (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && /^-?\d+$/.test(value))
      : type === "Double" ? (typeof value === "number" && Number.isFinite(value)) || (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
      : type === "Boolean" ? typeof value === "boolean" || value === "true" || value === "false"
      : type === "Json" ? isObject(value) || Array.isArray(value) || typeof value === "string"
      : type === "Timestamp" ? typeof value === "string"
      : false;
    if (!ok) return `${path}: expected ${type}, got ${JSON.stringify(value)?.slice(0, 80)}`;
    if (type === "Json") walk(path, value);
    return undefined;
  };

  /** The errors `check` adds, taken back out: to try one of several ways a value may be typed. */
  const attempt = (check: () => void): string[] => {
    const before = errors.length;
    check();
    return errors.splice(before);
  };

  /** A property value against its specification; `type` is the resource type (its property types are `<type>.<Name>`). */
  const checkValue = (path: string, value: unknown, prop: PropertySpec, type: string): void => {
    const fn = intrinsicName(value);
    if (fn) return intrinsic(path, fn, (value as Record<string, unknown>)[fn], { spec: prop, type });
    // Each way the property may be typed (a few have several); the value must fit one of them.
    const alternatives: Array<() => void> = [];
    for (const t of prop.PrimitiveTypes ?? (prop.PrimitiveType ? [prop.PrimitiveType] : [])) {
      alternatives.push(() => {
        const problem = primitive(path, value, t);
        if (problem) errors.push(problem);
      });
    }
    for (const t of prop.Types ?? (prop.Type ? [prop.Type] : [])) {
      if (t === "List" || t === "Map") {
        const items: PropertySpec[] = [
          ...(prop.PrimitiveItemTypes ?? (prop.PrimitiveItemType ? [prop.PrimitiveItemType] : [])).map((p) => ({ PrimitiveType: p })),
          ...(prop.ItemTypes ?? (prop.ItemType ? [prop.ItemType] : [])).map((i) => ({ Type: i })),
        ];
        alternatives.push(() => checkCollection(path, value, t, items, type));
      } else alternatives.push(() => checkObject(path, value, t === "Tag" ? "Tag" : `${type}.${t}`, type));
    }
    if (alternatives.length === 0) return error(path, "the specification gives no type");
    const results = alternatives.map(attempt);
    if (!results.some((problems) => problems.length === 0)) errors.push(...results[0]!);
  };

  const checkCollection = (path: string, value: unknown, kind: "List" | "Map", items: PropertySpec[], type: string): void => {
    const entries = kind === "List" ? (Array.isArray(value) ? value.map((v, i) => [`[${i}]`, v] as const) : undefined) : isObject(value) ? Object.entries(value).map(([k, v]) => [`.${k}`, v] as const) : undefined;
    if (!entries) return error(path, `expected a ${kind === "List" ? "list" : "map"}, got ${JSON.stringify(value)?.slice(0, 80)}`);
    for (const [suffix, item] of entries) {
      if (intrinsicName(item) === "Ref" && (item as { Ref: unknown }).Ref === "AWS::NoValue") continue;
      const tries = items.map((itemSpec) => attempt(() => checkValue(path + suffix, item, itemSpec, type)));
      if (tries.length === 0) error(path + suffix, "the specification gives no item type");
      else if (!tries.some((problems) => problems.length === 0)) errors.push(...tries[0]!);
    }
  };

  /** An object of a resource or property type: known properties, required ones present, each value checked. */
  const checkObject = (path: string, value: unknown, typeName: string, resourceType: string, isResource = false): void => {
    const typeSpec = isResource ? spec.ResourceTypes[typeName] : spec.PropertyTypes[typeName];
    if (!typeSpec) return error(path, `no ${isResource ? "resource" : "property"} type ${typeName} in the specification`);
    if (typeSpec.PrimitiveType) {
      const problem = primitive(path, value, typeSpec.PrimitiveType);
      if (problem) errors.push(problem);
      return;
    }
    const properties = typeSpec.Properties ?? {};
    if (value === undefined && isResource) value = {};
    if (!isObject(value)) return error(path, `expected ${typeName} properties, got ${JSON.stringify(value)?.slice(0, 80)}`);
    for (const [name, prop] of Object.entries(properties)) {
      const given = value[name];
      if (prop.Required && (given === undefined || (intrinsicName(given) === "Ref" && (given as { Ref: unknown }).Ref === "AWS::NoValue"))) error(`${path}.${name}`, `required by ${typeName}, missing`);
    }
    for (const [name, given] of Object.entries(value)) {
      const prop = properties[name];
      if (prop) checkValue(`${path}.${name}`, given, prop, resourceType);
      else if (isResource && gaps.some((g) => g.type === typeName && g.property === name)) walk(`${path}.${name}`, given);
      else error(`${path}.${name}`, `${typeName} has no property ${name}`);
    }
  };

  for (const [id, resource] of Object.entries(resources)) {
    const path = `Resources.${id}`;
    if (!isObject(resource)) {
      error(path, "not an object");
      continue;
    }
    for (const key of Object.keys(resource)) if (!RESOURCE_KEYS.includes(key)) error(`${path}.${key}`, "not a resource attribute");
    for (const key of ["DeletionPolicy", "UpdateReplacePolicy"]) if (resource[key] !== undefined && !POLICIES.includes(resource[key] as string)) error(`${path}.${key}`, `not one of ${POLICIES.join(", ")}`);
    if (resource.Condition !== undefined) checkCondition(`${path}.Condition`, resource.Condition);
    for (const dep of [resource.DependsOn ?? []].flat()) {
      if (typeof dep !== "string" || !(dep in resources)) error(`${path}.DependsOn`, `unknown resource ${JSON.stringify(dep)}`);
      else if (dep === id) error(`${path}.DependsOn`, "depends on itself");
    }
    walk(`${path}.Metadata`, resource.Metadata);
    const type = resource.Type;
    if (typeof type !== "string") error(`${path}.Type`, "missing");
    else if (type.startsWith("Custom::")) walk(`${path}.Properties`, resource.Properties);
    else if (!spec.ResourceTypes[type]) error(`${path}.Type`, `unknown resource type ${type}`);
    else {
      const fn = intrinsicName(resource.Properties);
      if (fn) intrinsic(`${path}.Properties`, fn, (resource.Properties as Record<string, unknown>)[fn]);
      else checkObject(`${path}.Properties`, resource.Properties, type, type, true);
    }
  }
  for (const [name, condition] of Object.entries(isObject(template.Conditions) ? template.Conditions : {})) walk(`Conditions.${name}`, condition);
  for (const [name, output] of Object.entries(isObject(template.Outputs) ? template.Outputs : {})) {
    const path = `Outputs.${name}`;
    if (!isObject(output) || output.Value === undefined) error(path, "has no Value");
    else {
      if (output.Condition !== undefined) checkCondition(`${path}.Condition`, output.Condition);
      walk(`${path}.Value`, output.Value);
      walk(`${path}.Export`, output.Export);
    }
  }
  return errors;
}

/** Allow-list entries that are not needed: unused by the template, or already in the specification. */
function staleGaps(template: Template, spec: Spec, gaps: readonly SpecGap[]): string[] {
  const resources = Object.values<{ Type?: string; Properties?: Record<string, unknown> }>(template.Resources ?? {});
  return gaps.flatMap((gap) => {
    if (spec.ResourceTypes[gap.type]?.Properties?.[gap.property]) return [`${gap.type}.${gap.property} is in the specification now: remove it from SPEC_GAPS`];
    if (!resources.some((r) => r.Type === gap.type && r.Properties && gap.property in r.Properties)) return [`${gap.type}.${gap.property} is not used by the template: remove it from SPEC_GAPS`];
    return [];
  });
}

const spec = specification() as unknown as Spec;

describe("the validator", () => {
  /** A small template with one of each mistake; each must be reported. */
  const bad: Template = {
    AWSTemplateFormatVersion: "2010-09-09",
    Conditons: {},
    Conditions: { IsProd: { "Fn::Equals": [{ Ref: "Stage" }, "prod"] } },
    Parameters: { Stage: { Type: "String" } },
    Resources: {
      Table: {
        Type: "AWS::DynamoDB::Table",
        DependsOn: ["Queue", "Ghost"],
        Condition: "IsStaging",
        DeletionPolicy: "Keep",
        Properties: {
          KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
          BillingMode: "PAY_PER_REQUEST",
          TableNmae: "typo",
          TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: "yes" },
          PointInTimeRecoverySpecification: { "Fn::If": ["IsProd", { PointInTimeRecoveryEnabled: 1 }, { Ref: "AWS::NoValue" }] },
          Tags: [{ Key: "team", Value: { Ref: "Team" } }],
        },
      },
      Queue: {
        Type: "AWS::SQS::Queue",
        Properties: {
          VisibilityTimeout: "six",
          FifoQueue: true,
          RedrivePolicy: { deadLetterTargetArn: { "Fn::GetAtt": ["Table", "QueueArn"] }, maxReceiveCount: 5 },
          QueueName: { "Fn::Sub": "${AWS::StackName}-${Missing}-${Queue.Arn}-${!Literal}" },
        },
      },
      Function: { Type: "AWS::Lambda::Functon", Properties: {} },
      Mail: { Type: "AWS::SNS::Subscription", Properties: { TopicArn: { Ref: "Topic" }, Endpoint: "a@example.com" } },
      Topic: { Type: "AWS::SNS::Topic", Properties: { TopicName: { "Fn::Split": [",", "a,b"] }, Subscription: "not-a-list" }, Retain: true },
    },
    Outputs: {
      TableArn: { Value: { "Fn::GetAtt": "Nowhere.Arn" } },
      QueueUrl: { Value: { "Fn::Joinn": ["", []] }, Condition: "Nope" },
    },
  };

  test("reports each mistake of a bad template", () => {
    expect(validateTemplate(bad, spec, []).sort()).toEqual(
      [
        "Conditons: not a template section",
        'Resources.Table.DependsOn: unknown resource "Ghost"',
        'Resources.Table.Condition: unknown condition "IsStaging"',
        "Resources.Table.DeletionPolicy: not one of Delete, Retain, RetainExceptOnCreate, Snapshot",
        "Resources.Mail.Properties.Protocol: required by AWS::SNS::Subscription, missing",
        "Resources.Table.Properties.TableNmae: AWS::DynamoDB::Table has no property TableNmae",
        'Resources.Table.Properties.TimeToLiveSpecification.Enabled: expected Boolean, got "yes"',
        "Resources.Table.Properties.PointInTimeRecoverySpecification.Fn::If[1].PointInTimeRecoveryEnabled: expected Boolean, got 1",
        'Resources.Table.Properties.Tags[0].Value.Ref: Ref to unknown "Team"',
        'Resources.Queue.Properties.VisibilityTimeout: expected Integer, got "six"',
        'Resources.Queue.Properties.RedrivePolicy.deadLetterTargetArn.Fn::GetAtt: AWS::DynamoDB::Table has no attribute "QueueArn" (it has Arn, StreamArn)',
        'Resources.Queue.Properties.QueueName.Fn::Sub: Ref to unknown "Missing"',
        "Resources.Function.Type: unknown resource type AWS::Lambda::Functon",
        "Resources.Topic.Retain: not a resource attribute",
        'Resources.Topic.Properties.Subscription: expected a list, got "not-a-list"',
        'Outputs.TableArn.Value.Fn::GetAtt: Fn::GetAtt of unknown resource "Nowhere"',
        'Outputs.QueueUrl.Condition: unknown condition "Nope"',
        "Outputs.QueueUrl.Value.Fn::Joinn: unknown intrinsic function Fn::Joinn",
      ].sort(),
    );
  });

  test("accepts a good template, with Fn::If, AWS::NoValue, Fn::Sub variables and string-typed numbers", () => {
    const good: Template = {
      Conditions: { HasEmail: { "Fn::Not": [{ "Fn::Equals": ["", ""] }] }, Both: { "Fn::And": [{ Condition: "HasEmail" }, { Condition: "HasEmail" }] } },
      Resources: {
        Topic: { Type: "AWS::SNS::Topic", Properties: { TopicName: { "Fn::Sub": ["${Prefix}-${AWS::Region}", { Prefix: "onebot" }] } } },
        Mail: { Type: "AWS::SNS::Subscription", Condition: "HasEmail", DependsOn: "Topic", Properties: { TopicArn: { Ref: "Topic" }, Protocol: "email", Endpoint: "a@example.com" } },
        Queue: { Type: "AWS::SQS::Queue", Properties: { VisibilityTimeout: "360", KmsMasterKeyId: { "Fn::If": ["Both", "alias/aws/sqs", { Ref: "AWS::NoValue" }] } } },
      },
      Outputs: { TopicArn: { Value: { "Fn::GetAtt": ["Topic", "TopicArn"] }, Condition: "HasEmail" } },
    };
    expect(validateTemplate(good, spec, [])).toEqual([]);
  });

  test("an allow-listed property passes; an allow-list entry unused or already in the specification is reported", () => {
    const template: Template = { Resources: { Q: { Type: "AWS::SQS::Queue", Properties: { FutureSetting: true } } } };
    expect(validateTemplate(template, spec, [])).toEqual(["Resources.Q.Properties.FutureSetting: AWS::SQS::Queue has no property FutureSetting"]);
    const gaps = [
      { type: "AWS::SQS::Queue", property: "FutureSetting", why: "example" },
      { type: "AWS::SQS::Queue", property: "NeverUsed", why: "example" },
      { type: "AWS::DynamoDB::Table", property: "DeletionProtectionEnabled", why: "example" },
    ];
    expect(validateTemplate(template, spec, gaps)).toEqual([]);
    expect(staleGaps(template, spec, gaps)).toEqual([
      "AWS::SQS::Queue.NeverUsed is not used by the template: remove it from SPEC_GAPS",
      "AWS::DynamoDB::Table.DeletionProtectionEnabled is in the specification now: remove it from SPEC_GAPS",
    ]);
  });
});

describe("the packaged template (serverless package --stage prod)", () => {
  let template: Template;
  beforeAll(async () => {
    template = (await packagedService()).template;
  }, 240_000);

  test("satisfies the CloudFormation resource specification", () => {
    expect(Object.keys(template.Resources).length).toBeGreaterThan(50);
    expect(validateTemplate(template, spec)).toEqual([]);
  });

  test("a mistake put into it is found (the check above is not vacuous)", () => {
    const broken = structuredClone(template);
    const table = broken.Resources.SessionsTable.Properties;
    table.BilingMode = table.BillingMode;
    delete table.BillingMode;
    const [, fn] = Object.entries<any>(broken.Resources).find(([, r]) => r.Type === "AWS::Lambda::Function")!;
    fn.Properties.MemorySize = "lots";
    broken.Outputs.Broken = { Value: { "Fn::GetAtt": ["JobsQueue", "Url"] } };
    expect(validateTemplate(broken, spec)).toEqual([
      expect.stringMatching(/^Resources\.\w+\.Properties\.MemorySize: expected Integer, got "lots"$/),
      "Resources.SessionsTable.Properties.BilingMode: AWS::DynamoDB::Table has no property BilingMode",
      'Outputs.Broken.Value.Fn::GetAtt: AWS::SQS::Queue has no attribute "Url" (it has Arn, QueueName, QueueUrl)',
    ]);
  });

  test("the allow-list of properties newer than the specification holds only what the template needs", () => {
    expect(staleGaps(template, spec, SPEC_GAPS)).toEqual([]);
  });

  test("the specification is the one we mean (2.72.1, CloudFormation spec 117.0.0)", () => {
    expect(require("@aws-cdk/cfnspec/package.json").version).toBe("2.72.1");
    expect(spec.ResourceTypes["AWS::DynamoDB::Table"]!.Properties!.DeletionProtectionEnabled).toBeDefined();
  });
});
