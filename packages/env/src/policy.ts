// What acts in an Env: a function of the observation, or an object with an `act` method.

/** A policy as a function from an observation to an action. */
export type PolicyFunction = (observation: Float32Array) => number;

/** A policy as an object (e.g. a network wrapper) whose `act` picks the action. */
export interface PolicyObject {
  /** The action to take on this observation. */
  act(observation: Float32Array): number;
}

/** A policy: a function or an object with `act`, mapping an observation to a discrete action. */
export type Policy = PolicyFunction | PolicyObject;

/** The action the policy takes on the observation. */
export function policyAct(policy: Policy, observation: Float32Array): number {
  return typeof policy === 'function' ? policy(observation) : policy.act(observation);
}
