/** The hook-choice policies a cycle may ask for (learning/ implements them; workflow inputs and accounts name them). */
export const POLICIES = ['thompson', 'thompson-discounted', 'thompson-changepoint', 'thompson-flat', 'epsilon-greedy', 'uniform', 'ucb1'] as const;
export type PolicyId = (typeof POLICIES)[number];
