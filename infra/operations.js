// What an operator watches, made with the function list of infra/functions.js: an SNS topic for alarms (with an
// optional e-mail subscription), alarms on dead letters, function errors, throttles, API 5xx and DynamoDB throttling,
// and one CloudWatch dashboard. Stage parameters: alarmEmail (empty = no subscription), tracing.
const { functionNames } = require("./functions.js");

const PERIOD = 300;
const logicalId = (name) => name.charAt(0).toUpperCase() + name.slice(1);

/** An alarm on one metric: `threshold` or more over one 5-minute period; no data is not a breach. */
const alarm = (description, namespace, metricName, dimensions, statistic, threshold = 1) => ({
  Type: "AWS::CloudWatch::Alarm",
  Properties: {
    AlarmDescription: description,
    Namespace: namespace,
    MetricName: metricName,
    Dimensions: dimensions,
    Statistic: statistic,
    Period: PERIOD,
    EvaluationPeriods: 1,
    Threshold: threshold,
    ComparisonOperator: "GreaterThanOrEqualToThreshold",
    TreatMissingData: "notBreaching",
    AlarmActions: [{ Ref: "AlarmTopic" }],
    OKActions: [{ Ref: "AlarmTopic" }],
  },
});

module.exports.resources = ({ resolveVariable }) =>
  (async () => {
    const service = await resolveVariable("self:service");
    const stage = await resolveVariable("sls:stage");
    const prefix = `${service}-${stage}`;
    const functions = functionNames().map((name) => ({ name, deployed: `${prefix}-${name}` }));
    const tables = [`${prefix}-sessions`, `${prefix}-events`];
    const resources = {
      AlarmTopic: { Type: "AWS::SNS::Topic", Properties: { TopicName: `${prefix}-alarms` } },
      AlarmEmailSubscription: {
        Type: "AWS::SNS::Subscription",
        Condition: "HasAlarmEmail",
        Properties: { TopicArn: { Ref: "AlarmTopic" }, Protocol: "email", Endpoint: "${param:alarmEmail}" },
      },
      DeadLetterAlarm: alarm(
        "Jobs failed for good: inspect the dead-letter queue (and the events table's jobs#dead-letter), fix, then redrive",
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        [{ Name: "QueueName", Value: { "Fn::GetAtt": ["JobsDeadLetterQueue", "QueueName"] } }],
        "Maximum",
      ),
      // Account-wide: Lambda throttles when the account's concurrency runs out, whichever function asked.
      ThrottlesAlarm: alarm("A Lambda function of this account and region was throttled", "AWS/Lambda", "Throttles", [], "Sum"),
      ApiServerErrorsAlarm: alarm("The HTTP API answered 5xx (503: a store outage or a stage missing its secrets; see the function logs)", "AWS/ApiGateway", "5xx", [{ Name: "ApiId", Value: { Ref: "HttpApi" } }], "Sum"),
      DynamoDbThrottlesAlarm: {
        Type: "AWS::CloudWatch::Alarm",
        Properties: {
          AlarmDescription: "DynamoDB throttled reads or writes of the sessions or events table",
          Metrics: [
            ...tables.flatMap((table, t) =>
              ["ReadThrottleEvents", "WriteThrottleEvents"].map((metric, m) => ({
                Id: `t${t}m${m}`,
                ReturnData: false,
                MetricStat: { Metric: { Namespace: "AWS/DynamoDB", MetricName: metric, Dimensions: [{ Name: "TableName", Value: table }] }, Period: PERIOD, Stat: "Sum" },
              })),
            ),
            { Id: "throttled", Expression: "SUM(METRICS())", Label: "Throttled requests", ReturnData: true },
          ],
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: "GreaterThanOrEqualToThreshold",
          TreatMissingData: "notBreaching",
          AlarmActions: [{ Ref: "AlarmTopic" }],
          OKActions: [{ Ref: "AlarmTopic" }],
        },
      },
      Dashboard: { Type: "AWS::CloudWatch::Dashboard", Properties: { DashboardName: prefix, DashboardBody: dashboardBody(await resolveVariable("self:provider.environment.POWERTOOLS_METRICS_NAMESPACE"), functions, tables) } },
    };
    for (const fn of functions) {
      resources[`${logicalId(fn.name)}ErrorsAlarm`] = alarm(`${fn.deployed} failed (an error or a timeout): see its log group`, "AWS/Lambda", "Errors", [{ Name: "FunctionName", Value: fn.deployed }], "Sum");
    }
    return { Resources: resources };
  })();

/** A small dashboard: the bot's own metrics (EMF, lib/metrics.ts), the API, the functions, the queue and the tables. */
function dashboardBody(namespace, functions, tables) {
  const region = "${AWS::Region}";
  const widget = (title, metrics, x, y, extra = {}) => ({ type: "metric", x, y, width: 12, height: 6, properties: { title, region, period: PERIOD, view: "timeSeries", metrics, ...extra } });
  // Ours, per platform (their only dimension besides the service), whatever platforms the stage has.
  const ours = (names, id) => [{ id, expression: `SEARCH('Namespace="${namespace}" (${names.map((n) => `MetricName="${n}"`).join(" OR ")})', 'Sum', ${PERIOD})` }];
  const body = {
    widgets: [
      widget("Turns per platform", [ours(["Turns"], "turns")], 0, 0),
      widget("Duplicates, reruns, handovers", [ours(["Duplicates", "Reruns", "Handovers"], "events")], 12, 0),
      widget("AI tokens", [ours(["AiPromptTokens", "AiCompletionTokens"], "tokens")], 0, 24),
      widget("AI fallbacks and dead letters", [ours(["AiFallbacks", "DeadLetters"], "failures")], 12, 24),
      widget("HTTP API: requests, 4xx, 5xx", [["AWS/ApiGateway", "Count", "ApiId", "${HttpApi}"], [".", "4xx", ".", "."], [".", "5xx", ".", "."]], 0, 6, { stat: "Sum" }),
      widget("HTTP API latency (p50, p99)", [["AWS/ApiGateway", "Latency", "ApiId", "${HttpApi}", { stat: "p50" }], ["...", { stat: "p99" }]], 12, 6),
      widget("Function errors", functions.map((fn) => ["AWS/Lambda", "Errors", "FunctionName", fn.deployed]), 0, 12, { stat: "Sum" }),
      widget("Function duration p99", functions.map((fn) => ["AWS/Lambda", "Duration", "FunctionName", fn.deployed]), 12, 12, { stat: "p99" }),
      widget("Job queue: waiting, oldest (s), dead letters", [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "${JobsQueue.QueueName}"], [".", "ApproximateAgeOfOldestMessage", ".", "."], [".", "ApproximateNumberOfMessagesVisible", ".", "${JobsDeadLetterQueue.QueueName}"]], 0, 18, { stat: "Maximum" }),
      widget("DynamoDB capacity used and throttles", tables.flatMap((table) => [["AWS/DynamoDB", "ConsumedWriteCapacityUnits", "TableName", table], [".", "ConsumedReadCapacityUnits", ".", "."], [".", "WriteThrottleEvents", ".", "."]]), 12, 18, { stat: "Sum" }),
    ],
  };
  return { "Fn::Sub": JSON.stringify(body) };
}
