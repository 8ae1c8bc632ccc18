// Imported first by a test: Powertools decides at construction whether cold starts are reported (only for
// on-demand Lambdas), so this must be set before lib/log.ts builds the logger.
process.env.AWS_LAMBDA_INITIALIZATION_TYPE = "on-demand";
