/**
 * A count of the matcher's units of work (characters tokenized, cells of a template's table, displays
 * ranked, a regex format's backtracking bound), so tests can assert that matching cost is bounded and
 * near-linear without measuring time. One shared counter: adding to it is all the hot path pays.
 */
export const matchSteps = { total: 0 };

export function countSteps(n: number): void {
  matchSteps.total += n;
}
