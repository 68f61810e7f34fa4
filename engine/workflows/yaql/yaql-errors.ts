/** The expression text could not be tokenized or parsed. */
export class YaqlSyntaxError extends Error {
  override readonly name = 'YaqlSyntaxError';
}

/** The expression parsed but failed while being evaluated (unknown function, missing key, bad types). */
export class YaqlEvaluationError extends Error {
  override readonly name = 'YaqlEvaluationError';
}
